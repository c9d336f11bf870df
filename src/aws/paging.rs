//! A bound on every pagination loop of the AWS layer.
//!
//! A list call is repeated while the answer carries a continuation token.
//! A service (or a proxy, or an emulator) that hands back a token it already
//! gave would keep such a loop going forever, so each loop feeds its tokens
//! through a [`Pager`], which ends it with a [`PagingError`] when a token
//! comes back a second time or after [`MAX_PAGES`] pages.

use std::collections::HashSet;

use super::error::AwsError;

/// Pages one listing may take. Far more than any object we read has (a role
/// has at most 20 attached policies, a SageMaker resource 50 tags).
pub const MAX_PAGES: usize = 1000;

/// Why a listing was stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PagingError {
    #[error(
        "{operation} returned the continuation token of an earlier page again (page {page}); \
         the listing was stopped because it would never end"
    )]
    RepeatedToken {
        operation: &'static str,
        page: usize,
    },
    #[error(
        "{operation} still had more results after {limit} pages; the listing was stopped \
         there"
    )]
    TooManyPages {
        operation: &'static str,
        limit: usize,
    },
}

impl PagingError {
    /// The synthetic error code this gets in [`AwsError::Api`].
    pub(crate) fn code(&self) -> &'static str {
        match self {
            PagingError::RepeatedToken { .. } => "RepeatedPageToken",
            PagingError::TooManyPages { .. } => "TooManyPages",
        }
    }

    fn operation(&self) -> &'static str {
        match self {
            PagingError::RepeatedToken { operation, .. }
            | PagingError::TooManyPages { operation, .. } => operation,
        }
    }
}

impl From<PagingError> for AwsError {
    fn from(e: PagingError) -> AwsError {
        AwsError::Api {
            operation: e.operation(),
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// The tokens one listing has seen so far.
#[derive(Debug)]
pub(crate) struct Pager {
    operation: &'static str,
    limit: usize,
    pages: usize,
    seen: HashSet<String>,
}

impl Pager {
    /// A listing by `operation` (for the error message), bounded by [`MAX_PAGES`].
    pub(crate) fn new(operation: &'static str) -> Pager {
        Pager::with_limit(operation, MAX_PAGES)
    }

    /// A listing bounded by `limit` pages.
    pub(crate) fn with_limit(operation: &'static str, limit: usize) -> Pager {
        Pager {
            operation,
            limit,
            pages: 0,
            seen: HashSet::new(),
        }
    }

    /// Takes the continuation token the page just read ended with (`None`
    /// or empty: it was the last page) and gives the token for the next
    /// request, `Ok(None)` when the listing is complete.
    pub(crate) fn next(&mut self, token: Option<&str>) -> Result<Option<String>, PagingError> {
        self.pages += 1;
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if self.pages >= self.limit {
            return Err(PagingError::TooManyPages {
                operation: self.operation,
                limit: self.limit,
            });
        }
        if !self.seen.insert(token.to_string()) {
            return Err(PagingError::RepeatedToken {
                operation: self.operation,
                page: self.pages,
            });
        }
        Ok(Some(token.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_tokens_then_the_end() {
        let mut p = Pager::new("ListTags");
        assert_eq!(p.next(Some("a")), Ok(Some("a".into())));
        assert_eq!(p.next(Some("b")), Ok(Some("b".into())));
        assert_eq!(p.next(None), Ok(None));
        let mut p = Pager::new("ListTags");
        assert_eq!(
            p.next(Some("")),
            Ok(None),
            "an empty token ends the listing"
        );
    }

    #[test]
    fn a_token_seen_before_stops_the_listing() {
        let mut p = Pager::new("ListTags");
        assert_eq!(p.next(Some("a")), Ok(Some("a".into())));
        assert_eq!(
            p.next(Some("a")),
            Err(PagingError::RepeatedToken {
                operation: "ListTags",
                page: 2
            })
        );
        // A longer cycle is caught too.
        let mut p = Pager::new("ListRolePolicies");
        for t in ["a", "b", "c"] {
            assert!(p.next(Some(t)).is_ok());
        }
        assert!(matches!(
            p.next(Some("a")),
            Err(PagingError::RepeatedToken { page: 4, .. })
        ));
    }

    #[test]
    fn the_page_limit_is_enforced() {
        let mut p = Pager::with_limit("ListTags", 3);
        assert!(p.next(Some("1")).is_ok());
        assert!(p.next(Some("2")).is_ok());
        assert_eq!(
            p.next(Some("3")),
            Err(PagingError::TooManyPages {
                operation: "ListTags",
                limit: 3
            })
        );
        // The last allowed page may still end the listing.
        let mut p = Pager::with_limit("ListTags", 3);
        assert!(p.next(Some("1")).is_ok());
        assert!(p.next(Some("2")).is_ok());
        assert_eq!(p.next(None), Ok(None));
    }

    #[test]
    fn errors_become_api_errors_naming_the_operation() {
        let e: AwsError = PagingError::RepeatedToken {
            operation: "ListTags",
            page: 2,
        }
        .into();
        assert_eq!(e.code(), Some("RepeatedPageToken"));
        assert!(
            e.to_string().starts_with("ListTags: RepeatedPageToken: "),
            "{e}"
        );
        assert!(!e.is_not_found() && !e.is_throttling());
    }
}
