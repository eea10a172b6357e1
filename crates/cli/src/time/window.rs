//! Time windows on a backup's StartTime. The API caps a window at 30 days; longer windows are
//! split here into consecutive windows of at most 30 days, newest first, so that concatenating
//! their listings (each newest first) keeps the server's order and no backup appears twice.

/// The API's cap on `EndTime - BeginTime`, in seconds.
pub const MAX_WINDOW_SECS: i64 = 30 * 86_400;

/// An inclusive window on StartTime, in Unix seconds; a missing side is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First second included (`BeginTime`).
    pub begin: Option<i64>,
    /// Last second included (`EndTime`).
    pub end: Option<i64>,
}

impl Window {
    /// A closed window.
    pub fn closed(begin: i64, end: i64) -> Self {
        Self {
            begin: Some(begin),
            end: Some(end),
        }
    }

    /// Splits into windows of at most [`MAX_WINDOW_SECS`], newest first. Both ends are
    /// inclusive, so each older window ends one second before the next newer one begins.
    /// An open or short window is returned as it is. With a begin but no end, `now` closes
    /// the window when it is longer than the cap (a backup cannot start in the future).
    pub fn split(self, now: i64) -> Vec<Window> {
        let (begin, end) = match (self.begin, self.end) {
            (Some(b), Some(e)) => (b, e),
            (Some(b), None) if now.saturating_sub(b) > MAX_WINDOW_SECS => (b, now),
            _ => return vec![self],
        };
        if end.saturating_sub(begin) <= MAX_WINDOW_SECS {
            return vec![Window::closed(begin, end)];
        }
        let mut windows = Vec::new();
        let mut upper = end;
        while upper >= begin {
            let lower = upper.saturating_sub(MAX_WINDOW_SECS).max(begin);
            windows.push(Window::closed(lower, upper));
            upper = lower - 1;
        }
        windows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const OPEN: Window = Window {
        begin: None,
        end: None,
    };

    #[test]
    fn short_and_open_windows_stay_whole() {
        assert_eq!(OPEN.split(1_000), vec![OPEN]);
        let w = Window::closed(0, MAX_WINDOW_SECS);
        assert_eq!(w.split(0), vec![w]);
        let one_sided = Window {
            begin: None,
            end: Some(5),
        };
        assert_eq!(one_sided.split(100 * DAY), vec![one_sided]);
        let recent = Window {
            begin: Some(99 * DAY),
            end: None,
        };
        assert_eq!(recent.split(100 * DAY), vec![recent]);
    }

    #[test]
    fn long_windows_split_newest_first_without_gaps_or_overlap() {
        let begin = 1_000;
        let end = begin + 95 * DAY;
        let parts = Window::closed(begin, end).split(end);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0].end, Some(end));
        assert_eq!(parts.last().unwrap().begin, Some(begin));
        for w in &parts {
            let (b, e) = (w.begin.unwrap(), w.end.unwrap());
            assert!(b <= e && e - b <= MAX_WINDOW_SECS);
        }
        for pair in parts.windows(2) {
            assert_eq!(pair[1].end.unwrap() + 1, pair[0].begin.unwrap());
        }
    }

    #[test]
    fn a_long_one_sided_window_is_closed_at_now() {
        let now = 200 * DAY;
        let parts = Window {
            begin: Some(now - 61 * DAY),
            end: None,
        }
        .split(now);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].end, Some(now));
    }

    #[test]
    fn the_last_second_belongs_to_exactly_one_window() {
        let parts = Window::closed(0, 2 * MAX_WINDOW_SECS + 2).split(0);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2], Window::closed(0, 0));
    }
}
