//! Small parsers and checks of attribute values, free of any resource
//! logic: S3 URIs, Go durations, and the formats of names, ARNs, tags and
//! images that validation reports on.

pub(super) mod checks;
pub(super) mod duration;
pub(super) mod s3uri;
