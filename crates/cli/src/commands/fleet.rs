//! What the fleet commands share: the regions a command covers (`--region` repeated or `all`,
//! else the one resolved region), the transport's [`Selector`] from the command line, and the
//! per-region notes printed at `-v` (regions not available, fallbacks taken, requests sent).

use tcredis_core::endpoint::KNOWN_REGIONS;
use tcredis_transport_hyper::fleet::{RegionReport, RegionResult, Selector};

use crate::config::settings::Settings;
use crate::config::{GlobalOptions, Selectors};
use crate::exit::CliError;

/// The regions of a command, in order, and whether they are "every region" (`--region all`:
/// a region answering UnsupportedRegion or without instances is then not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regions {
    /// The region names.
    pub names: Vec<String>,
    /// `--region all` was given.
    pub all: bool,
}

impl Regions {
    /// `--region` as given (`all`: core's region table, in its order), else the resolved one.
    pub fn resolve(global: &GlobalOptions, settings: &Settings) -> Result<Self, CliError> {
        if global.regions.iter().any(|r| r == "all") {
            return Ok(Self {
                names: KNOWN_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
                all: true,
            });
        }
        if global.regions.len() > 1 {
            return Ok(Self {
                names: global.regions.clone(),
                all: false,
            });
        }
        Ok(Self {
            names: vec![settings.require_region()?.to_owned()],
            all: false,
        })
    }

    /// The region the base client is built for.
    pub fn first(&self) -> &str {
        &self.names[0]
    }
}

/// The transport's selector for `--instance-id`s or the selector flags.
pub fn selector(instance_ids: &[String], selectors: &Selectors) -> Selector {
    let mut s = Selector::new().include_isolated(selectors.include_isolated);
    if let Some(text) = &selectors.search {
        s = s.search(text.clone());
    }
    for (key, value) in &selectors.tags {
        s = s.tag(key.clone(), value.clone());
    }
    for id in &selectors.project_ids {
        s = s.project_id(*id);
    }
    for id in instance_ids {
        s = s.instance_id(id.clone());
    }
    s
}

/// At `-v`: each region's state, its fallbacks and its requests, on stderr.
pub fn note_regions(regions: &[RegionReport], verbose: u8) {
    if verbose == 0 {
        return;
    }
    for r in regions {
        match &r.result {
            RegionResult::Unavailable(why) => crate::exit::stderr_line(format_args!(
                "tcredis: {}: not available ({why})",
                r.region
            )),
            _ => {
                for fallback in &r.fallbacks {
                    crate::exit::stderr_line(format_args!("tcredis: {}: {fallback}", r.region));
                }
                crate::exit::stderr_line(format_args!(
                    "tcredis: {}: {} {}",
                    r.region,
                    r.requests,
                    if r.requests == 1 {
                        "request"
                    } else {
                        "requests"
                    }
                ));
            }
        }
    }
}
