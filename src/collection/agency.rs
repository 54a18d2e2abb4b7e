//! Matching agency names: the same organ is written 「石家庄市商务局」 in one report,
//! 「石家庄市 商务局」 or 「市商务局」 in another, and the roster may call it something else.
//!
//! A name's key is its matching form ([`crate::document::normalize::label_key`]: full width →
//! half width, no whitespace; quotes dropped), with the jurisdiction's own name (or its last
//! character, `市商务局`) left out, and aliases resolved to their canonical name. Two reports
//! of one agency have the same key; the key is never shown.

use crate::document::normalize::label_key;
use std::collections::{BTreeMap, HashMap};

/// Characters that end an administrative division's name.
const DIVISION_ENDS: &[char] = &['省', '市', '县', '区', '州', '旗', '盟'];

/// How agency names are matched in one collection.
#[derive(Clone, Debug, Default)]
pub struct Agencies {
    /// The jurisdiction's name, folded (`石家庄市`).
    jurisdiction: Option<String>,
    /// Alias key → canonical name's key.
    aliases: HashMap<String, String>,
}

/// A name folded for matching: [`label_key`] without quotes.
#[must_use]
pub fn fold(name: &str) -> String {
    label_key(name).replace('"', "")
}

impl Agencies {
    /// Matching with a jurisdiction (its name as written, e.g. `石家庄市`) and aliases
    /// (alias → canonical name).
    #[must_use]
    pub fn new(jurisdiction: Option<String>, aliases: &BTreeMap<String, String>) -> Self {
        let mut agencies = Self {
            jurisdiction: jurisdiction.map(|j| fold(&j)).filter(|j| !j.is_empty()),
            aliases: HashMap::new(),
        };
        let resolved: HashMap<String, String> = aliases
            .iter()
            .map(|(alias, canonical)| (agencies.plain_key(alias), agencies.plain_key(canonical)))
            .collect();
        agencies.aliases = resolved;
        agencies
    }

    /// The jurisdiction used, folded.
    #[must_use]
    pub fn jurisdiction(&self) -> Option<&str> {
        self.jurisdiction.as_deref()
    }

    /// The key without aliases: folded, the jurisdiction left out.
    fn plain_key(&self, name: &str) -> String {
        let folded = fold(name);
        let Some(j) = &self.jurisdiction else {
            return folded;
        };
        if let Some(rest) = folded.strip_prefix(j.as_str())
            && !rest.is_empty()
        {
            return rest.to_owned();
        }
        // `市商务局` in a city's collection: the division word alone stands for the
        // jurisdiction (but `市场监督管理局` begins with 市场, a word of its own).
        if let Some(last) = j.chars().last()
            && let Some(rest) = folded.strip_prefix(last)
            && !rest.is_empty()
            && !(last == '市' && rest.starts_with('场'))
        {
            return rest.to_owned();
        }
        folded
    }

    /// The key of an agency name: two names of one agency have the same key.
    #[must_use]
    pub fn key(&self, name: &str) -> String {
        let plain = self.plain_key(name);
        self.aliases.get(&plain).cloned().unwrap_or(plain)
    }
}

/// The administrative division a folded name begins with (`石家庄市商务局` → `石家庄市`):
/// the shortest prefix of two or more characters ending in 省, 市, 县, 区, 州, 旗 or 盟 that
/// leaves a name behind.
#[must_use]
pub fn division_prefix(folded: &str) -> Option<&str> {
    let mut chars = 0;
    for (i, c) in folded.char_indices() {
        chars += 1;
        let end = i + c.len_utf8();
        if chars >= 2 && DIVISION_ENDS.contains(&c) && end < folded.len() {
            return Some(&folded[..end]);
        }
    }
    None
}

/// The jurisdiction of a set of agency names: the commonest division prefix, when at least two
/// names share it.
#[must_use]
pub fn infer_jurisdiction<'a>(names: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for name in names {
        if let Some(prefix) = division_prefix(&fold(name)) {
            *counts.entry(prefix.to_owned()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .max_by_key(|(_, n)| *n)
        .map(|(prefix, _)| prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn city() -> Agencies {
        let aliases = BTreeMap::from([("市商务委".to_owned(), "石家庄市商务局".to_owned())]);
        Agencies::new(Some("石家庄市".to_owned()), &aliases)
    }

    #[test]
    fn width_whitespace_and_the_jurisdiction_do_not_matter() {
        let a = city();
        let key = a.key("石家庄市商务局");
        assert_eq!(a.key("石家庄市 商务局"), key);
        assert_eq!(a.key("市商务局"), key);
        assert_eq!(a.key("商务局"), key);
        assert_eq!(a.key("「石家庄市商务局」"), key);
        assert_eq!(a.key("市商务委"), key, "an alias");
        assert_ne!(a.key("石家庄市民政局"), key);
    }

    #[test]
    fn a_market_bureau_keeps_its_first_character() {
        let a = city();
        assert_eq!(a.key("石家庄市市场监督管理局"), "市场监督管理局");
        assert_eq!(a.key("市场监督管理局"), "市场监督管理局");
    }

    #[test]
    fn two_counties_are_two_governments_in_a_city() {
        let a = Agencies::new(Some("宿迁市".to_owned()), &BTreeMap::new());
        assert_ne!(a.key("沭阳县人民政府"), a.key("泗阳县人民政府"));
    }

    #[test]
    fn the_jurisdiction_is_the_commonest_prefix() {
        let names = [
            "沭阳县商务局",
            "沭阳县人民政府",
            "沭阳县 民政局",
            "江苏省教育厅",
        ];
        assert_eq!(
            infer_jurisdiction(names.into_iter()).as_deref(),
            Some("沭阳县")
        );
        assert_eq!(infer_jurisdiction(["某局"].into_iter()), None);
    }
}
