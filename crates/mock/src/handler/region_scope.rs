//! Region scoping of a request: known regions, and financial-zone isolation when the Host is a
//! real Tencent Cloud domain (`redis.ap-shanghai-fsi.tencentcloudapi.com` serves only its region).

use super::failure::Failure;
use super::{Handler, Route};
use crate::regions::{self, HostKind};

impl Handler {
    /// The region the listing is scoped to (`None` = every region), or `UnsupportedRegion`.
    pub(super) fn region_scope(
        &self,
        route: &Route,
        region: Option<&str>,
        host: &str,
    ) -> Result<Option<String>, Failure> {
        if let Some(r) = region
            && !regions::is_known(r)
        {
            return Err(Failure::new(
                "UnsupportedRegion",
                format!(
                    "The region `{r}` is not supported; known regions: {}.",
                    regions::KNOWN_REGIONS.join(", ")
                ),
            ));
        }
        if route.service != "redis" {
            return Ok(region.map(str::to_owned));
        }
        match regions::classify_host(host) {
            HostKind::Tencent {
                region: Some(host_region),
            } if regions::is_financial(&host_region) => match region {
                Some(r) if r != host_region => Err(Failure::new(
                    "UnsupportedRegion",
                    format!(
                        "The financial-zone endpoint {host} serves only region {host_region}, not {r}."
                    ),
                )),
                _ => Ok(Some(host_region)),
            },
            HostKind::Tencent { .. } if region.is_some_and(regions::is_financial) => {
                let r = region.unwrap_or_default();
                Err(Failure::new(
                    "UnsupportedRegion",
                    format!(
                        "The financial region {r} is isolated: send the request to redis.{r}.tencentcloudapi.com."
                    ),
                ))
            }
            _ => Ok(region.map(str::to_owned)),
        }
    }
}
