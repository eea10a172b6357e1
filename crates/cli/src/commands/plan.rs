//! What a backups command will ask the API, decided from its configuration and now before
//! anything is sent: the targets (instances, or the whole region), the windows on StartTime
//! (newest first, at most 30 days each), the filters every request shares, how to page and how
//! the windows are read. `--dry-run` prints a plan's first requests; each command's `run`
//! carries its plan out.

use tcredis_core::request::DescribeInstanceBackupsRequest;
use tcredis_core::time::BeijingTime;

use crate::time::window::Window;

/// The default page size of `--all` and the page size of the searches for the newest good
/// backup.
pub const ALL_LIMIT: i64 = 100;
/// The server's default Limit, which the merged single page of several windows asks for
/// explicitly.
const DEFAULT_LIMIT: i64 = 20;

/// Default `--max-items` of `list --all`: items one listing (an instance, or the region, over
/// one window) may yield. Ten times the largest listing we benchmark (1,000,000 backups).
pub const DEFAULT_LIST_MAX_ITEMS: u64 = 10_000_000;
/// The most backups a day of a window may hold for `latest` and `check` (an instance makes one
/// or two a day; a thousand is generous): their cap is this times the window's days (core's
/// rule, which the transport's fleet searches use too).
pub const MAX_BACKUPS_PER_DAY: u64 = tcredis_core::fleet::MAX_BACKUPS_PER_DAY;

/// How many items one listing may yield: a bound that does not come from the server, so a
/// `TotalCount` that lies (or never ends) cannot keep a command paging for ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemCap {
    /// No cap (`--max-items 0`).
    Unlimited,
    /// The same cap for every listing (`list --all --max-items N`).
    PerListing(u64),
    /// This many per day of the listing's window, started days rounded up (`latest`, `check`).
    PerDay(u64),
}

impl ItemCap {
    /// The cap of the listing of `window`.
    pub fn for_window(self, window: Window) -> Option<u64> {
        match self {
            Self::Unlimited => None,
            Self::PerListing(n) => Some(n),
            Self::PerDay(n) => Some(n.saturating_mul(tcredis_core::fleet::window_days(window))),
        }
    }

    /// Why a listing that passed `cap` items was stopped, and what to do.
    pub fn explain(self, cap: u64, window: Window) -> String {
        let span = match (window.begin, window.end) {
            (Some(b), Some(e)) => format!(
                " from {} to {}",
                BeijingTime::from_unix(b),
                BeijingTime::from_unix(e)
            ),
            _ => String::new(),
        };
        let what = match self {
            Self::PerDay(n) => format!(
                "no instance makes more than {n} backups a day, so the server's TotalCount cannot be right"
            ),
            _ => "the server's TotalCount keeps growing or lies; if the listing is real, raise --max-items (0 = no cap)".to_owned(),
        };
        format!("stopped after {cap} items in the window{span}: {what}")
    }
}

/// The filters every request of a plan shares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// `--instance-name`.
    pub instance_name: Option<String>,
    /// `--status` values.
    pub statuses: Vec<i64>,
}

/// How to page through each (instance, window) query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Every page (`--all`), `Plan::all_limit` at a time.
    All,
    /// One page of the merged windows: `Limit`/`Offset` as given (None: not sent when there is
    /// one window; the server's default 20 otherwise).
    Single {
        /// `--limit`.
        limit: Option<i64>,
        /// `--offset`.
        offset: Option<i64>,
    },
}

/// How the windows are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Every window, in order: a listing (`list`).
    EveryWindow,
    /// Newest window first, stopping at the first one that has a good backup (`latest`,
    /// `check`); only the newest window is sure to be asked.
    UntilGood,
}

/// One command's queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// In the order given; `None` means no InstanceId (every instance of the region).
    pub targets: Vec<Option<String>>,
    /// Windows, newest first.
    pub windows: Vec<Window>,
    /// The filters of every request.
    pub filters: Filters,
    /// Paging.
    pub paging: Paging,
    /// The page size when every page is read (`--all --limit N`, default 100).
    pub all_limit: i64,
    /// How the windows are read.
    pub search: Search,
    /// How many items each listing may yield (only `Paging::All` pages).
    pub item_cap: ItemCap,
}

impl Plan {
    /// The search for the newest good backup of each instance over `windows` (newest first):
    /// every page of each window, no filters.
    pub fn newest_good(instances: &[String], windows: Vec<Window>) -> Self {
        Self {
            targets: instances.iter().cloned().map(Some).collect(),
            windows,
            filters: Filters::default(),
            paging: Paging::All,
            all_limit: ALL_LIMIT,
            search: Search::UntilGood,
            item_cap: ItemCap::PerDay(MAX_BACKUPS_PER_DAY),
        }
    }

    /// The requests sent whatever the answers are (what `--dry-run` prints), per target in
    /// order: for a listing, the first request of each window with the paging's Limit and
    /// Offset; for a search, the first page of the newest window.
    pub fn first_requests(&self) -> Vec<DescribeInstanceBackupsRequest> {
        let windows = match self.search {
            Search::EveryWindow => &self.windows[..],
            Search::UntilGood => &self.windows[..self.windows.len().min(1)],
        };
        let mut out = Vec::with_capacity(self.targets.len() * windows.len());
        for target in &self.targets {
            for &window in windows {
                let mut request = base_request(&self.filters, target.as_deref(), window);
                (request.limit, request.offset) = match self.paging {
                    Paging::All => (Some(self.all_limit), Some(0)),
                    Paging::Single { limit, offset } if self.windows.len() == 1 => (limit, offset),
                    Paging::Single { limit, offset } => (
                        Some(limit.unwrap_or(DEFAULT_LIMIT)),
                        Some(offset.unwrap_or(0)),
                    ),
                };
                out.push(request);
            }
        }
        out
    }
}

impl Plan {
    /// The core's validation warnings for the plan's requests, each once, in order (errors are
    /// the client's to report).
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for request in self.first_requests() {
            for w in request.validate().unwrap_or_default() {
                let text = w.to_string();
                if !out.contains(&text) {
                    out.push(text);
                }
            }
        }
        out
    }
}

/// The request for one (instance, window), without Limit and Offset.
pub fn base_request(
    filters: &Filters,
    target: Option<&str>,
    window: Window,
) -> DescribeInstanceBackupsRequest {
    let mut r = DescribeInstanceBackupsRequest::new();
    r.instance_id = target.map(str::to_owned);
    window.apply(&mut r);
    r.status = (!filters.statuses.is_empty()).then(|| filters.statuses.clone());
    r.instance_name = filters.instance_name.clone();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn listing(paging: Paging, windows: Vec<Window>) -> Plan {
        Plan {
            targets: vec![Some("crs-a".into()), None],
            windows,
            filters: Filters {
                instance_name: Some("cache".into()),
                statuses: vec![2, -1],
            },
            paging,
            all_limit: ALL_LIMIT,
            search: Search::EveryWindow,
            item_cap: ItemCap::Unlimited,
        }
    }

    fn limits(plan: &Plan) -> Vec<(Option<i64>, Option<i64>)> {
        plan.first_requests()
            .iter()
            .map(|r| (r.limit, r.offset))
            .collect()
    }

    #[test]
    fn a_listing_asks_every_target_and_window_with_its_filters() {
        let two = vec![
            Window::closed(31 * DAY, 40 * DAY),
            Window::closed(0, 30 * DAY),
        ];
        let plan = listing(Paging::All, two);
        let requests = plan.first_requests();
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[0].instance_id.as_deref(), Some("crs-a"));
        assert_eq!(requests[2].instance_id, None, "the region-wide target");
        assert_eq!(
            requests[1].begin_time.as_deref(),
            Some("1970-01-01 08:00:00")
        );
        for r in &requests {
            assert_eq!(r.instance_name.as_deref(), Some("cache"));
            assert_eq!(r.status.as_deref(), Some(&[2, -1][..]));
            assert_eq!((r.limit, r.offset), (Some(ALL_LIMIT), Some(0)));
        }
    }

    #[test]
    fn a_single_page_sends_limit_and_offset_as_given_only_over_one_window() {
        let given = Paging::Single {
            limit: None,
            offset: Some(5),
        };
        let one = listing(given, vec![Window::closed(0, DAY)]);
        assert_eq!(limits(&one), [(None, Some(5)); 2]);
        let two = listing(
            given,
            vec![Window::closed(31 * DAY, 40 * DAY), Window::closed(0, DAY)],
        );
        assert_eq!(limits(&two), [(Some(20), Some(5)); 4]);
    }

    #[test]
    fn a_search_is_sure_to_ask_only_its_newest_window() {
        let windows = vec![
            Window::closed(31 * DAY, 40 * DAY),
            Window::closed(0, 30 * DAY),
        ];
        let plan = Plan::newest_good(&["crs-a".into(), "crs-b".into()], windows);
        let requests = plan.first_requests();
        assert_eq!(requests.len(), 2);
        for (r, id) in requests.iter().zip(["crs-a", "crs-b"]) {
            assert_eq!(r.instance_id.as_deref(), Some(id));
            assert_eq!(r.end_time.as_deref(), Some("1970-02-10 08:00:00"));
            assert_eq!((r.limit, r.offset), (Some(ALL_LIMIT), Some(0)));
            assert_eq!((r.status.as_ref(), r.instance_name.as_ref()), (None, None));
        }
    }

    #[test]
    fn item_caps_follow_the_window() {
        let day = Window::closed(0, DAY - 1);
        let month = Window::closed(0, 30 * DAY);
        assert_eq!(ItemCap::PerDay(1_000).for_window(day), Some(1_000));
        assert_eq!(ItemCap::PerDay(1_000).for_window(month), Some(31_000));
        assert_eq!(ItemCap::PerListing(5).for_window(month), Some(5));
        assert_eq!(ItemCap::Unlimited.for_window(month), None);
        let text = ItemCap::PerListing(5).explain(5, month);
        assert!(
            text.contains("raise --max-items") && text.contains("from 1970-01-01 08:00:00"),
            "{text}"
        );
    }
}
