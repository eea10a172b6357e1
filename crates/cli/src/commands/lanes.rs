//! The writer's side of the fan-out: one lane per instance, read in the order given, and the
//! read-ahead that learns the listing's TotalCount before the first item (for streaming json).

use std::collections::VecDeque;
use std::task::Poll;

use tcredis_transport_hyper::fan_out;

use crate::commands::fetch::Event;

/// One instance's results as the writer reads them: events read ahead while learning the
/// TotalCount first, then the rest from the channel.
pub struct Lane {
    rx: fan_out::Lane<Event>,
    read_ahead: VecDeque<Event>,
    /// Windows whose TotalCount has arrived.
    totals_seen: usize,
    /// Every window's TotalCount is known, or the instance failed or ended.
    settled: bool,
    /// The job sent its last event.
    ended: bool,
}

impl Lane {
    /// A lane reading one job's channel.
    pub fn new(rx: fan_out::Lane<Event>) -> Self {
        Self {
            rx,
            read_ahead: VecDeque::new(),
            totals_seen: 0,
            settled: false,
            ended: false,
        }
    }

    /// The next event: what was read ahead first, then the channel; `None` once the job ended.
    pub async fn next(&mut self) -> Option<Event> {
        match self.read_ahead.pop_front() {
            Some(event) => Some(event),
            None if self.ended => None,
            None => self.rx.recv().await,
        }
    }
}

/// Reads every instance until the TotalCount of each of its windows is in (or it failed or
/// ended), keeping what was read, and returns the listing's TotalCount (the sum of every
/// window's). Every lane is read, the settled ones too: a job blocked on a full channel keeps
/// its fan-out permit, so instances beyond
/// [`CONCURRENCY`](crate::commands::fetch::CONCURRENCY) would otherwise never start. With at
/// most that many instances and one window this holds about a page per instance.
pub async fn learn_total(lanes: &mut [Lane], windows: usize) -> i64 {
    let mut total: i64 = 0;
    while lanes.iter().any(|lane| !lane.settled) {
        let (index, event) = std::future::poll_fn(|cx| {
            for (index, lane) in lanes.iter_mut().enumerate() {
                if lane.ended {
                    continue;
                }
                if let Poll::Ready(event) = lane.rx.poll_recv(cx) {
                    return Poll::Ready((index, event));
                }
            }
            // An unsettled lane has not ended, so some receiver registered the waker.
            Poll::Pending
        })
        .await;
        let lane = &mut lanes[index];
        let Some(event) = event else {
            lane.ended = true;
            lane.settled = true;
            continue;
        };
        match &event {
            Event::Page {
                total_count: Some(count),
                ..
            } => {
                total = total.saturating_add(*count);
                lane.totals_seen += 1;
                lane.settled |= lane.totals_seen >= windows;
            }
            Event::Page { .. } => {}
            Event::Failed(_) => lane.settled = true,
        }
        lane.read_ahead.push_back(event);
    }
    total
}
