//! The one paging policy: a requested page size of 0 or none means the
//! endpoint's default, and no page is larger than the endpoint's maximum.
//! Pages count from 1.

/// Page sizes of one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize {
    pub default: u64,
    pub max: u64,
}

impl PageSize {
    /// Relation lists. The documents give 50 as the default and as the
    /// blacklist's cap; capping every list there keeps a page's cost bounded.
    pub const RELATIONS: PageSize = PageSize {
        default: 50,
        max: 50,
    };
    /// Session lists.
    pub const SESSIONS: PageSize = PageSize {
        default: 20,
        max: 100,
    };
    /// Message history.
    pub const HISTORY: PageSize = PageSize {
        default: 20,
        max: 200,
    };

    /// The size to serve for `requested`.
    pub fn resolve(self, requested: Option<u64>) -> u64 {
        requested
            .filter(|&n| n > 0)
            .unwrap_or(self.default)
            .min(self.max)
    }
}

/// A page of rows: `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl Page {
    /// Page `pn` (from 1; 0 or none is 1) of `ps` rows as `sizes` allow.
    /// Offsets use the capped size, so `pn` paging still visits every row.
    pub fn numbered(sizes: PageSize, ps: Option<u64>, pn: Option<u64>) -> Page {
        let ps = sizes.resolve(ps);
        let pn = page_number(pn);
        Page {
            limit: ps,
            offset: ps.saturating_mul(pn - 1),
        }
    }

    /// Everything (lists bounded by a limit, such as whispers).
    pub fn all() -> Page {
        Page {
            limit: i64::MAX as u64,
            offset: 0,
        }
    }
}

/// The page number asked for: 0 or none is the first page.
pub fn page_number(pn: Option<u64>) -> u64 {
    pn.filter(|&pn| pn > 0).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_default_and_cap() {
        assert_eq!(PageSize::SESSIONS.resolve(None), 20);
        assert_eq!(PageSize::SESSIONS.resolve(Some(0)), 20);
        assert_eq!(PageSize::SESSIONS.resolve(Some(500)), 100);
        assert_eq!(PageSize::HISTORY.resolve(Some(7)), 7);
    }

    #[test]
    fn pages_count_from_one() {
        let page = |ps, pn| Page::numbered(PageSize::RELATIONS, ps, pn);
        assert_eq!(
            page(None, None),
            Page {
                limit: 50,
                offset: 0
            }
        );
        assert_eq!(
            page(Some(0), Some(0)),
            Page {
                limit: 50,
                offset: 0
            }
        );
        assert_eq!(page(Some(50), Some(5)).offset, 200);
        assert_eq!(
            page(Some(500), Some(2)),
            Page {
                limit: 50,
                offset: 50
            }
        );
    }
}
