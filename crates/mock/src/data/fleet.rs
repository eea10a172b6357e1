//! `--generate fleet:N[,KEY=VALUE]...`: a deterministic fleet of instances over one or more
//! regions, for fleet checks and their benchmarks. Each region gets N instances:
//!
//! - **healthy**: one nightly backup for each of the last `retention` days, the newest started
//!   3 hours (plus 0–10 minutes, per instance) before the anchor;
//! - `stale=S` of them: the same nightly backups, but none in the last 3 days (the newest good
//!   one is 3 days old), and a backup still running (Status 1) from 2 hours ago;
//! - `none=M` of them: `"Backups": []`;
//! - `isolated=K` of them: `Status` -2, backups that stopped 2 days ago.
//!
//! Which instance is which is a fixed shuffle of the indices, so categories are spread over
//! InstanceId order. Instances are `crs-fRRKKKKK` (RR: the region's position in core's region
//! table, KKKKK: 1..=N) named `<region>-KKKKK`, with `ZoneId`, `ProjectId` (0..=3), `Type`,
//! `Engine`, `Size`, `Createtime` and `InstanceTags` (`env`, `team`) filled in.

use std::fmt;

use serde_json::json;
use tcredis_core::endpoint::KNOWN_REGIONS;
use tcredis_core::random::{RandomSource as _, SplitMix64};
use tcredis_core::time::BeijingTime;

use super::backup::SeedBackup;
use super::seed::{Seed, SeedInstance};

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// The most instances per region a fleet may have.
pub const MAX_FLEET_INSTANCES: u32 = 100_000;

/// `unix` as the API writes times: `YYYY-MM-DD HH:MM:SS`, Beijing time (core's rule).
fn beijing(unix: i64) -> String {
    BeijingTime::from_unix(unix).to_string()
}

/// A fleet to generate (see the module documentation for what each instance holds).
///
/// ```
/// use tcredis_mock::FleetSpec;
/// let spec: FleetSpec = "1010,stale=10,none=10,isolated=5".parse().unwrap();
/// let seed = spec.seed(1_780_286_400);
/// assert_eq!(seed.instances().len(), 1010);
/// assert_eq!(seed.instances().iter().filter(|i| i.backups().is_empty()).count(), 10);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetSpec {
    per_region: u32,
    regions: Vec<String>,
    stale: u32,
    none: u32,
    isolated: u32,
    retention_days: u32,
}

/// What a generated instance is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Healthy,
    Stale,
    NoBackups,
    Isolated,
}

impl FleetSpec {
    /// `per_region` healthy instances in `ap-guangzhou`, 7-day retention.
    pub fn new(per_region: u32) -> Self {
        Self {
            per_region,
            regions: vec!["ap-guangzhou".to_owned()],
            stale: 0,
            none: 0,
            isolated: 0,
            retention_days: 7,
        }
    }
    /// The regions (each gets the same fleet).
    pub fn regions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, regions: I) -> Self {
        self.regions = regions.into_iter().map(Into::into).collect();
        self
    }
    /// Instances per region whose newest good backup is 3 days old.
    pub fn stale(mut self, n: u32) -> Self {
        self.stale = n;
        self
    }
    /// Instances per region without any backup.
    pub fn without_backups(mut self, n: u32) -> Self {
        self.none = n;
        self
    }
    /// Isolated instances (Status -2) per region.
    pub fn isolated(mut self, n: u32) -> Self {
        self.isolated = n;
        self
    }
    /// Days of nightly backups kept (default 7).
    pub fn retention_days(mut self, days: u32) -> Self {
        self.retention_days = days;
        self
    }
    /// The regions, as given.
    pub fn region_names(&self) -> &[String] {
        &self.regions
    }

    /// Checks the counts and regions.
    pub fn validate(&self) -> Result<(), String> {
        if self.per_region == 0 || self.per_region > MAX_FLEET_INSTANCES {
            return Err(format!(
                "a fleet has 1..={MAX_FLEET_INSTANCES} instances per region, not {}",
                self.per_region
            ));
        }
        let special = u64::from(self.stale) + u64::from(self.none) + u64::from(self.isolated);
        if special > u64::from(self.per_region) {
            return Err(format!(
                "stale + none + isolated ({special}) is more than the {} instances per region",
                self.per_region
            ));
        }
        if !(1..=366).contains(&self.retention_days) {
            return Err(format!(
                "retention must be 1..=366 days, not {}",
                self.retention_days
            ));
        }
        if self.regions.is_empty() {
            return Err("a fleet needs at least one region".to_owned());
        }
        for (i, r) in self.regions.iter().enumerate() {
            if !KNOWN_REGIONS.contains(&r.as_str()) {
                return Err(format!(
                    "region {r:?} is not known; known regions: {}",
                    KNOWN_REGIONS.join(", ")
                ));
            }
            if self.regions[..i].contains(r) {
                return Err(format!("region {r} is listed twice"));
            }
        }
        Ok(())
    }

    /// The instances and backups, anchored at `anchor` (Unix seconds; the mock's now).
    pub fn seed(&self, anchor: i64) -> Seed {
        let mut seed = Seed::new();
        for region in &self.regions {
            let code = KNOWN_REGIONS.iter().position(|r| r == region).unwrap_or(99);
            let kinds = self.kinds();
            for (k, kind) in kinds.into_iter().enumerate() {
                seed = seed.instance(self.instance(region, code, k as u64, kind, anchor));
            }
        }
        seed
    }

    /// The kind of every instance of a region, by index: a fixed shuffle puts the stale, empty
    /// and isolated ones among the healthy ones.
    fn kinds(&self) -> Vec<Kind> {
        let n = u64::from(self.per_region);
        let mut order: Vec<u64> = (0..n).collect();
        order.sort_by_key(|&k| mix(k));
        let mut kinds = vec![Kind::Healthy; order.len()];
        let mut assign = |count: u32, kind: Kind, from: usize| {
            for &k in order.iter().skip(from).take(count as usize) {
                kinds[k as usize] = kind;
            }
            from + count as usize
        };
        let next = assign(self.stale, Kind::Stale, 0);
        let next = assign(self.none, Kind::NoBackups, next);
        assign(self.isolated, Kind::Isolated, next);
        kinds
    }

    fn instance(&self, region: &str, code: usize, k: u64, kind: Kind, anchor: i64) -> SeedInstance {
        let id = format!("crs-f{code:02}{:05}", k + 1);
        let types = [6, 7, 8, 15, 16];
        let instance_type = types[(k % 5) as usize];
        let mut instance = SeedInstance::new(&id, format!("{region}-{:05}", k + 1), region)
            .field("Status", json!(if kind == Kind::Isolated { -2 } else { 2 }))
            .field("ZoneId", json!(100_001 + (k % 3)))
            .field("ProjectId", json!(k % 4))
            .field("Type", json!(instance_type))
            .field("Engine", json!("Redis"))
            .field("Size", json!((1024 * (1 + k % 4)) as f64))
            .field(
                "Createtime",
                json!(beijing(anchor - 400 * DAY + (k as i64) * HOUR)),
            )
            .tag(
                "env",
                if k.is_multiple_of(3) {
                    "staging"
                } else {
                    "prod"
                },
            )
            .tag("team", ["pay", "search", "ads", "infra"][(k % 4) as usize]);
        let jitter = (mix(k ^ 0x5eed) % 600) as i64;
        let retention = i64::from(self.retention_days);
        let newest = anchor - 3 * HOUR - jitter;
        let nights: Vec<i64> = match kind {
            Kind::NoBackups => Vec::new(),
            Kind::Healthy => (0..retention).map(|d| newest - d * DAY).collect(),
            Kind::Stale => (3..retention).map(|d| newest - d * DAY).collect(),
            Kind::Isolated => (2..retention).map(|d| newest - d * DAY).collect(),
        };
        for (serial, start) in nights.into_iter().enumerate() {
            instance =
                instance.backup(self.backup(code, k, serial as u64, start, 2, instance_type));
        }
        if kind == Kind::Stale {
            let running = anchor - 2 * HOUR;
            instance = instance.backup(self.backup(code, k, 999, running, 1, instance_type));
        }
        instance
    }

    fn backup(
        &self,
        code: usize,
        k: u64,
        serial: u64,
        start: i64,
        status: i64,
        instance_type: i64,
    ) -> SeedBackup {
        let id = format!(
            "{}-{:07}-{start}",
            160_000_000 + code as u64 * 1_000_000 + k,
            serial
        );
        let size = (mix(k * 1_000 + serial) % 4_000_000_000 + 1_048_576) as i64;
        let mut backup = SeedBackup::new(id, beijing(start))
            .backup_type("1")
            .status(status)
            .remark("")
            .locked(i64::from(status == 1))
            .backup_size(size)
            .file_type("RDB-Redis 6.2")
            .expire_time(beijing(start + i64::from(self.retention_days) * DAY))
            .encrypted(false);
        if status != 1 {
            backup = backup.end_time(beijing(start + 90 + (k % 60) as i64));
        }
        backup.full_backup = Some(0);
        backup.instance_type = Some(instance_type);
        backup
    }
}

/// A fixed, well-spread hash of `x`: the first output of core's SplitMix64 seeded with it.
fn mix(x: u64) -> u64 {
    SplitMix64::new(x).next_u64()
}

impl std::str::FromStr for FleetSpec {
    type Err = String;

    /// `N[,regions=R1+R2][,stale=S][,none=M][,isolated=K][,retention=DAYS]` (what follows
    /// `fleet:` on the command line).
    fn from_str(text: &str) -> Result<Self, String> {
        let syntax = "use N[,regions=R1+R2...][,stale=S][,none=M][,isolated=K][,retention=DAYS], e.g. 1010,stale=10,none=10,isolated=5";
        let mut parts = text.split(',');
        let n = parts.next().unwrap_or_default().trim();
        let per_region: u32 = n
            .parse()
            .map_err(|_| format!("fleet size {n:?} is not a number; {syntax}"))?;
        let mut spec = FleetSpec::new(per_region);
        for part in parts {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not KEY=VALUE; {syntax}"))?;
            let number = || {
                value
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| format!("{key}={value:?} is not a number; {syntax}"))
            };
            match key.trim() {
                "regions" => {
                    spec.regions = value.split('+').map(|r| r.trim().to_owned()).collect();
                }
                "stale" => spec.stale = number()?,
                "none" => spec.none = number()?,
                "isolated" => spec.isolated = number()?,
                "retention" => spec.retention_days = number()?,
                other => return Err(format!("unknown fleet setting {other:?}; {syntax}")),
            }
        }
        spec.validate()?;
        Ok(spec)
    }
}

impl fmt::Display for FleetSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},regions={},stale={},none={},isolated={},retention={}",
            self.per_region,
            self.regions.join("+"),
            self.stale,
            self.none,
            self.isolated,
            self.retention_days
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_286_400;

    fn newest_good_age(instance: &SeedInstance) -> Option<i64> {
        instance
            .backups()
            .iter()
            .filter(|b| matches!(b.status, Some(2..=4)))
            .filter_map(|b| {
                BeijingTime::parse(b.start_time.as_deref()?)
                    .ok()
                    .map(BeijingTime::unix)
            })
            .max()
            .map(|start| NOW - start)
    }

    #[test]
    fn the_benchmark_fleet_has_the_promised_shape() {
        let spec: FleetSpec = "1010,stale=10,none=10,isolated=5".parse().unwrap();
        let seed = spec.seed(NOW);
        let instances = seed.instances();
        assert_eq!(instances.len(), 1010);
        let isolated: Vec<_> = instances.iter().filter(|i| i.status() == -2).collect();
        assert_eq!(isolated.len(), 5);
        let active: Vec<_> = instances.iter().filter(|i| i.status() == 2).collect();
        let fresh = active
            .iter()
            .filter(|i| newest_good_age(i).is_some_and(|a| a <= 26 * HOUR))
            .count();
        let stale = active
            .iter()
            .filter(|i| newest_good_age(i).is_some_and(|a| a > 3 * DAY && a < 3 * DAY + HOUR * 4))
            .count();
        let none = active.iter().filter(|i| i.backups().is_empty()).count();
        assert_eq!((fresh, stale, none), (985, 10, 10));
        // One good backup per healthy instance inside 26 hours; 7 nights of retention.
        let healthy = active
            .iter()
            .find(|i| newest_good_age(i).is_some_and(|a| a <= 26 * HOUR))
            .unwrap();
        assert_eq!(healthy.backups().len(), 7);
        let ids: Vec<&str> = instances.iter().map(SeedInstance::instance_id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len(), "instance IDs are unique");
        assert!(ids[0].starts_with("crs-f05"), "{}", ids[0]);
    }

    #[test]
    fn specs_parse_validate_and_print() {
        let spec: FleetSpec = "20,regions=ap-guangzhou+ap-shanghai,stale=2,retention=3"
            .parse()
            .unwrap();
        assert_eq!(spec.region_names(), ["ap-guangzhou", "ap-shanghai"]);
        assert_eq!(spec.to_string().parse::<FleetSpec>().unwrap(), spec);
        assert_eq!(spec.seed(NOW).instances().len(), 40);
        for (bad, needle) in [
            ("x", "is not a number"),
            ("0", "1..=100000"),
            ("5,stale=3,none=3", "more than the 5"),
            ("5,regions=mars-1", "not known"),
            ("5,regions=ap-beijing+ap-beijing", "twice"),
            ("5,colour=red", "unknown fleet setting"),
            ("5,stale", "KEY=VALUE"),
            ("5,retention=0", "retention"),
        ] {
            let err = bad.parse::<FleetSpec>().unwrap_err();
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let spec = FleetSpec::new(50).stale(5).without_backups(5).isolated(5);
        assert_eq!(spec.seed(NOW), spec.seed(NOW));
    }
}
