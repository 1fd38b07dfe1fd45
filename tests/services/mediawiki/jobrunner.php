<?php
/**
 * Job runner of the libcurator test wiki, started (in a restart loop) by scripts/test-services.sh:
 *     MW_INSTALL_PATH=DIR/mediawiki/w php DIR/mediawiki/conf/jobrunner.php [--maxtime=S] [--interval=S]
 *
 * Like `maintenance/runJobs.php --wait`, but it asks the job table which types have jobs on every
 * pass. runJobs.php trusts JobQueueGroup's per-process "queues-ready" cache (15 s) and sleeps 1 s
 * between passes, so an async upload could wait up to ~15 s for its AssembleUploadChunks or
 * PublishStashedFile job; here a new job starts within --interval (default 0.2 s).
 * All job types are run, including those in $wgJobTypesExcludedFromDefaultQueue.
 */

use MediaWiki\MediaWikiServices;

require_once getenv( 'MW_INSTALL_PATH' ) . '/maintenance/Maintenance.php';

class CuratorTestJobRunner extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Run jobs of every type as they arrive (libcurator test wiki)' );
		$this->addOption( 'maxtime', 'Exit after this many seconds (default 3600)', false, true );
		$this->addOption( 'interval', 'Seconds to sleep when no job ran (default 0.2)', false, true );
	}

	public function memoryLimit() {
		return '512M';
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$group = $services->getJobQueueGroup();
		$runner = $services->getJobRunner();
		$lbFactory = $services->getDBLoadBalancerFactory();
		$runner->setDebugHandler( function ( $s ) {
			$this->output( $s );
		} );
		$end = microtime( true ) + (float)$this->getOption( 'maxtime', 3600 );
		$sleepUs = (int)( 1e6 * (float)$this->getOption( 'interval', 0.2 ) );

		while ( microtime( true ) < $end ) {
			$lbFactory->flushReplicaSnapshots( __METHOD__ );
			$ran = 0;
			foreach ( $group->getQueuesWithJobs() as $type ) {
				$response = $runner->run( [
					'type' => $type,
					'maxJobs' => 100,
					'maxTime' => 30,
					'throttle' => false,
				] );
				$ran += count( $response['jobs'] );
				if ( $response['reached'] === 'memory-limit' ) {
					return; // the restart loop starts a fresh process
				}
			}
			if ( $ran === 0 ) {
				usleep( $sleepUs );
			}
		}
	}
}

$maintClass = CuratorTestJobRunner::class;
require_once RUN_MAINTENANCE_IF_MAIN;
