<?php
# ---------------------------------------------------------------------------
# libcurator test wiki: settings added to the LocalSettings.php that
# maintenance/install.php generates (MediaWiki 1.39, Debian package, SQLite).
#
# scripts/test-services.sh copies this directory to DIR/mediawiki/conf/,
# writes DIR/mediawiki/conf/params.php (per-run values: paths, port, rate
# limits) and appends to DIR/mediawiki/w/LocalSettings.php:
#     require '<DIR>/mediawiki/conf/params.php';
#     require '<DIR>/mediawiki/conf/LocalSettings.curator.php';
# Loopback-only throwaway wiki: nothing here is meant for production.
# ---------------------------------------------------------------------------
if ( !defined( 'MEDIAWIKI' ) ) {
	exit( 1 );
}
/** @var array $curatorTestParams set by params.php */
$curatorTestConf = __DIR__;

$wgServer = $curatorTestParams['server'];    # http://127.0.0.1:PORT (the port php -S really got)
$wgSitename = 'Curator Test Wiki';
$wgTmpDirectory = $curatorTestParams['tmp'];  # chunk assembly and other temp files stay in DIR

# --- Caches -----------------------------------------------------------------
# php -S forks several workers and the job runner is a separate process, so
# every cache that must be shared (sessions, rate-limit counters, upload
# status for checkstatus=1, TitleBlacklist) lives in the SQLite object cache
# the installer set up (CACHE_DB = wikicache.sqlite). The installer picks
# CACHE_NONE without APCu, and then the rate limiter never fires.
$wgMainCacheType = CACHE_DB;
$wgSessionCacheType = CACHE_DB;
$wgStatsCacheType = CACHE_DB;           # WRStats counters behind $wgRateLimits
$wgParserCacheType = CACHE_DB;
$wgMessageCacheType = CACHE_DB;

# --- Uploads ------------------------------------------------------------------
$wgEnableUploads = true;
$wgFileExtensions = [ 'jpg', 'jpeg', 'png', 'gif', 'webp', 'tiff', 'tif' ];
$wgStrictFileExtensions = true;
# Bounds the assembled size of a chunked upload; each request is bounded by
# PHP's upload_max_filesize/post_max_size (-d flags on the php -S command
# line). MediaWiki 1.39 has no $wgMaxChunkSize, only $wgMinUploadChunkSize.
$wgMaxUploadSize = [ '*' => 4 * 1024 * 1024 * 1024 ];
$wgMinUploadChunkSize = 1024;
$wgEnableAsyncUploads = true;            # async=1: AssembleUploadChunks / PublishStashedFile jobs
# Jobs run only in the dedicated runner process(es) started by the harness,
# never at the end of a web request; the upload job types are not excluded
# from the default queue, so one `runJobs.php --wait` loop runs them all.
$wgJobRunRate = 0;
$wgJobTypesExcludedFromDefaultQueue = [];
$wgUseImageMagick = false;               # no thumbnails needed
$wgGenerateThumbnailOnParse = false;
$wgUseInstantCommons = false;
$wgAllowCopyUploads = false;             # no upload-by-URL (no outbound network)
$wgHashedUploadDirectory = true;         # images/a/ab/Name.png, like Commons

# --- TitleBlacklist -------------------------------------------------------------
wfLoadExtension( 'TitleBlacklist' );
$wgTitleBlacklistSources = [
	'curator-test' => [ 'type' => 'file', 'src' => "$curatorTestConf/titleblacklist.txt" ],
];
$wgTitleBlacklistUsernameSources = [];   # do not check user names
$wgTitleBlacklistLogHits = true;
# Message for the <errmsg=titleblacklist-custom-curator-test> entry.
$wgMessagesDirs['CuratorTestWiki'] = "$curatorTestConf/i18n";

# --- Rate limits (hits per seconds) ----------------------------------------
# Apply to users without 'noratelimit'. Admin's bot password has the
# 'highvolume' grant (-> noratelimit); Uploader is a plain user. Only published
# uploads count as 'upload' hits (not chunks or stash-only requests); refused
# attempts are not counted. Values come from params.php (environment of
# `test-services.sh start`, see tests/services/README.md).
$wgRateLimits['upload']['user'] = $curatorTestParams['ratelimit_upload'];
$wgRateLimits['upload']['newbie'] = $curatorTestParams['ratelimit_upload'];
$wgRateLimits['edit']['user'] = $curatorTestParams['ratelimit_edit'];
$wgRateLimits['edit']['newbie'] = $curatorTestParams['ratelimit_edit'];

# --- Accounts ---------------------------------------------------------------------
$wgEnableBotPasswords = true;
$wgGroupPermissions['*']['createaccount'] = false;
$wgGroupPermissions['user']['upload'] = true;
$wgGroupPermissions['user']['reupload'] = true;
$wgGroupPermissions['user']['reupload-own'] = true;
$wgPasswordAttemptThrottle = [];         # tests log in often

# --- Misc ---------------------------------------------------------------------------
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgShowExceptionDetails = true;
$wgDebugLogFile = $curatorTestParams['debug_log'];   # '' unless CURATOR_TEST_MW_DEBUG=1
