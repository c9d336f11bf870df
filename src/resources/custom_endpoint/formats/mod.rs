//! Checks of attribute values, free of any resource logic: the formats of
//! names, ARNs, tags and images that validation reports on. The parsers
//! shared with other resources (S3 URIs, Go durations) are in
//! [`crate::resources::formats`].

pub(super) mod checks;
