//! Region scoping of a request: known regions, and financial-zone isolation when the Host is a
//! real Tencent Cloud domain (`redis.ap-shanghai-fsi.tencentcloudapi.com` serves only its region).

use super::failure::Failure;
use super::{Handler, Route};
use tcredis_core::endpoint::{KNOWN_REGIONS, is_financial_region, is_known_region};

use crate::regions::{HostKind, classify_host};

impl Handler {
    /// The region the listing is scoped to (`None` = every region), or `UnsupportedRegion`.
    pub(super) fn region_scope(
        &self,
        route: &Route,
        region: Option<&str>,
        host: &str,
    ) -> Result<Option<String>, Failure> {
        if let Some(r) = region
            && !is_known_region(r)
        {
            return Err(Failure::new(
                "UnsupportedRegion",
                format!(
                    "The region `{r}` is not supported; known regions: {}.",
                    KNOWN_REGIONS.join(", ")
                ),
            ));
        }
        if route.service != "redis" {
            return Ok(region.map(str::to_owned));
        }
        match classify_host(host) {
            HostKind::Tencent {
                region: Some(host_region),
            } if is_financial_region(&host_region) => match region {
                Some(r) if r != host_region => Err(Failure::new(
                    "UnsupportedRegion",
                    format!(
                        "The financial-zone endpoint {host} serves only region {host_region}, not {r}."
                    ),
                )),
                _ => Ok(Some(host_region)),
            },
            HostKind::Tencent { .. } if region.is_some_and(is_financial_region) => {
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
