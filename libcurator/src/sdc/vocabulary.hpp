#pragma once
// The Wikidata properties and items the builders write. Fixed ids: the
// builders never look anything up.

namespace curator::sdc::vocab {

// Properties.
inline constexpr const char* kCreator = "P170";
inline constexpr const char* kAuthorName = "P2093";
inline constexpr const char* kMapillaryUsername = "P13988";
inline constexpr const char* kMapillaryPhotoId = "P1947";
inline constexpr const char* kFlickrPhotoId = "P12120";
inline constexpr const char* kFlickrUserId = "P3267";
inline constexpr const char* kUrl = "P2699";
inline constexpr const char* kPublishedIn = "P1433";
inline constexpr const char* kInception = "P571";
inline constexpr const char* kSourceOfFile = "P7482";
inline constexpr const char* kOperator = "P137";
inline constexpr const char* kDescribedAtUrl = "P973";
inline constexpr const char* kPointOfView = "P1259";
inline constexpr const char* kHeading = "P7787";
inline constexpr const char* kCopyrightStatus = "P6216";
inline constexpr const char* kCopyrightLicense = "P275";
inline constexpr const char* kDeterminationMethod = "P459";
inline constexpr const char* kAppliesToJurisdiction = "P1001";
inline constexpr const char* kWidth = "P2049";
inline constexpr const char* kHeight = "P2048";

// Items (numeric ids).
inline constexpr long long kMapillaryDatabase = 26757498;
inline constexpr long long kFileAvailableOnInternet = 74228490;
inline constexpr long long kMapillary = 17985544;
inline constexpr long long kFlickr = 103204;
inline constexpr long long kCopyrighted = 50423863;
inline constexpr long long kPublicDomain = 19652;
inline constexpr long long kDedicatedToPublicDomain = 88088423;
inline constexpr long long kNoKnownCopyrightRestrictions = 99263261;
inline constexpr long long kStatedAtSourceWebsite = 61045577;
inline constexpr long long kUsFederalGovernmentWork = 60671452;
inline constexpr long long kUnitedStates = 30;
inline constexpr long long kCcBySa40 = 18199165;

// Units, globe and calendar.
inline constexpr const char* kDegree = "http://www.wikidata.org/entity/Q28390";
inline constexpr const char* kPixel = "http://www.wikidata.org/entity/Q355198";
inline constexpr const char* kEarth = "http://www.wikidata.org/entity/Q2";
inline constexpr const char* kGregorian = "http://www.wikidata.org/entity/Q1985727";

}  // namespace curator::sdc::vocab
