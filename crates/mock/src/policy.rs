//! CAM permissions (`--policy FILE`): which SecretId may call which redis action on which
//! instance. An explicit deny wins; a listed SecretId gets only what its statements allow;
//! unlisted SecretIds (and STS credentials of an unlisted source) keep full access.
//!
//! ```json
//! {"Uin": "100000000001",
//!  "Policies": {"AKIDlimited": {"statement": [
//!    {"effect": "allow", "action": ["redis:*"], "resource": ["*"]},
//!    {"effect": "deny", "action": ["redis:DescribeInstanceBackups"],
//!     "resource": ["qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-secret"]}]}}}
//! ```
//!
//! A request's resource is `qcs::redis:REGION:uin/UIN:instance/INSTANCE_ID`; without an
//! `InstanceId` it is `instance/*` (so only a statement allowing `instance/*` permits a
//! region-wide listing), without a region `*`. In a pattern, `*` alone matches anything;
//! elsewhere it matches within one segment (segments are separated by `:` and `/`).

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

/// The default account UIN when the file names none.
pub const DEFAULT_UIN: &str = "100000000001";

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Effect {
    Allow,
    Deny,
}

/// One statement: an effect over actions and resources.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Statement {
    effect: Effect,
    #[serde(deserialize_with = "one_or_many")]
    action: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    resource: Vec<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Policy {
    statement: Vec<Statement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(rename = "Uin", default)]
    uin: Option<String>,
    #[serde(rename = "Policies")]
    policies: HashMap<String, Policy>,
}

/// The CAM policies of one account, by SecretId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySet {
    uin: String,
    policies: HashMap<String, Policy>,
}

/// A policy file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy: {}", self.0)
    }
}

impl std::error::Error for PolicyError {}

/// A denied request: the action and resource for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Denied {
    pub(crate) action: String,
    pub(crate) resource: String,
}

impl PolicySet {
    /// Reads the policy file format (see the module documentation).
    pub fn from_json(bytes: &[u8]) -> Result<Self, PolicyError> {
        let file: PolicyFile = serde_json::from_slice(bytes).map_err(|e| {
            PolicyError(format!(
                "{e}; expected {{\"Uin\": \"100000000001\", \"Policies\": {{SECRET_ID: {{\"statement\": [{{\"effect\": \"allow\"|\"deny\", \"action\": [...], \"resource\": [...]}}]}}}}}}"
            ))
        })?;
        let uin = file.uin.unwrap_or_else(|| DEFAULT_UIN.to_owned());
        if uin.is_empty() || !uin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PolicyError(format!("Uin {uin:?} must be digits")));
        }
        for (secret_id, policy) in &file.policies {
            for (i, statement) in policy.statement.iter().enumerate() {
                for action in &statement.action {
                    if action != "*" && !action.contains(':') {
                        return Err(PolicyError(format!(
                            "Policies.{secret_id}.statement[{i}].action {action:?}: expected \"redis:ACTION\", \"redis:*\" or \"*\""
                        )));
                    }
                }
            }
        }
        Ok(Self {
            uin,
            policies: file.policies,
        })
    }

    /// The account UIN resources are named with.
    pub fn uin(&self) -> &str {
        &self.uin
    }

    /// The resource a request names.
    pub(crate) fn resource(&self, region: Option<&str>, instance_id: Option<&str>) -> String {
        format!(
            "qcs::redis:{}:uin/{}:instance/{}",
            region.unwrap_or("*"),
            self.uin,
            instance_id.unwrap_or("*")
        )
    }

    /// Checks `redis:<action>` on the resource for `secret_id` (already mapped from STS
    /// credentials to their source).
    pub(crate) fn check(
        &self,
        secret_id: &str,
        action: &str,
        region: Option<&str>,
        instance_id: Option<&str>,
    ) -> Result<(), Denied> {
        let Some(policy) = self.policies.get(secret_id) else {
            return Ok(());
        };
        let action = format!("redis:{action}");
        let resource = self.resource(region, instance_id);
        let applies = |s: &&Statement| {
            s.action.iter().any(|p| matches(p, &action))
                && s.resource.iter().any(|p| matches(p, &resource))
        };
        let mut allowed = false;
        for statement in policy.statement.iter().filter(applies) {
            match statement.effect {
                Effect::Deny => return Err(Denied { action, resource }),
                Effect::Allow => allowed = true,
            }
        }
        if allowed {
            Ok(())
        } else {
            Err(Denied { action, resource })
        }
    }
}

/// `*` alone matches anything; otherwise pattern and text are compared segment by segment
/// (split on `:` and `/`), `*` matching any run of characters within a segment.
fn matches(pattern: &str, text: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let split = |s: &str| -> Vec<String> {
        let mut parts = Vec::new();
        let mut current = String::new();
        for c in s.chars() {
            if c == ':' || c == '/' {
                parts.push(std::mem::take(&mut current));
                parts.push(c.to_string());
            } else {
                current.push(c);
            }
        }
        parts.push(current);
        parts
    };
    let (p, t) = (split(pattern), split(text));
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| glob(p, t))
}

/// `*` matches any run of characters; everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((prefix, rest)) => {
            let Some(tail) = text.strip_prefix(prefix) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| glob(rest, &tail[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> PolicySet {
        PolicySet::from_json(
            br#"{"Uin": "100000000001", "Policies": {
                "AKIDlimited": {"statement": [
                    {"effect": "allow", "action": ["redis:*"], "resource": ["qcs::redis:*:uin/100000000001:instance/*"]},
                    {"effect": "deny", "action": "redis:DescribeInstanceBackups", "resource": ["qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-secret"]}]},
                "AKIDone": {"statement": [
                    {"effect": "allow", "action": ["redis:Describe*"], "resource": ["qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-a*"]}]}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn deny_wins_listed_ids_get_only_what_is_allowed_unlisted_keep_everything() {
        let p = set();
        let backups = "DescribeInstanceBackups";
        assert!(
            p.check("AKIDlimited", backups, Some("ap-guangzhou"), Some("crs-ok"))
                .is_ok()
        );
        let denied = p
            .check(
                "AKIDlimited",
                backups,
                Some("ap-guangzhou"),
                Some("crs-secret"),
            )
            .unwrap_err();
        assert_eq!(denied.action, "redis:DescribeInstanceBackups");
        assert_eq!(
            denied.resource,
            "qcs::redis:ap-guangzhou:uin/100000000001:instance/crs-secret"
        );
        assert!(
            p.check(
                "AKIDlimited",
                "DescribeInstances",
                Some("ap-guangzhou"),
                Some("crs-secret")
            )
            .is_ok()
        );
        assert!(
            p.check("AKIDlimited", backups, Some("ap-guangzhou"), None)
                .is_ok()
        );
        // `crs-a*` allows one instance family, never the region-wide listing (`instance/*`).
        assert!(
            p.check("AKIDone", backups, Some("ap-guangzhou"), Some("crs-abc"))
                .is_ok()
        );
        assert!(
            p.check("AKIDone", backups, Some("ap-guangzhou"), None)
                .is_err()
        );
        assert!(
            p.check("AKIDone", backups, Some("ap-shanghai"), Some("crs-abc"))
                .is_err()
        );
        assert!(p.check("AKIDone", backups, None, Some("crs-abc")).is_err());
        assert!(p.check("AKIDother", backups, None, None).is_ok());
    }

    #[test]
    fn segment_wildcards_do_not_cross_separators() {
        assert!(matches(
            "qcs::redis:*:uin/1:instance/*",
            "qcs::redis:ap-guangzhou:uin/1:instance/crs-1"
        ));
        assert!(!matches(
            "qcs::redis:*:uin/1:instance/*",
            "qcs::redis:ap-guangzhou:uin/2:instance/crs-1"
        ));
        assert!(!matches(
            "qcs::redis:*",
            "qcs::redis:ap-guangzhou:uin/1:instance/crs-1"
        ));
        assert!(matches("*", "anything:at/all"));
        assert!(matches("redis:*", "redis:DescribeInstances"));
        assert!(!matches(
            "redis:Describe*s",
            "redis:DescribeAutoBackupConfig"
        ));
    }

    #[test]
    fn bad_files_say_what_is_expected() {
        let err = PolicySet::from_json(br#"{"Policies": {"A": {"statement": [{"effect": "maybe", "action": [], "resource": []}]}}}"#).unwrap_err();
        assert!(err.to_string().contains("statement"), "{err}");
        let err = PolicySet::from_json(br#"{"Policies": {"A": {"statement": [{"effect": "allow", "action": ["DescribeInstances"], "resource": ["*"]}]}}}"#).unwrap_err();
        assert!(err.to_string().contains("redis:ACTION"), "{err}");
        assert_eq!(
            PolicySet::from_json(br#"{"Policies": {}}"#).unwrap().uin(),
            DEFAULT_UIN
        );
    }
}
