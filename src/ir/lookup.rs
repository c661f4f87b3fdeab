//! Name lookups in a survey: [`Survey::list`], [`Survey::variable`] and
//! [`Survey::element`] by binary search instead of a scan.
//!
//! Every target, the validator and the flattener look names up once per
//! column or per condition; a scan of the survey's lists, variables or
//! elements for each would make them quadratic in the survey's size. The
//! tables are built on the first lookup and kept in the survey
//! ([`Lookups`]); they are not part of the IR (`ir.json` does not have them)
//! and a clone starts without them.
//!
//! A table maps the hash of a name to its positions. A lookup compares the
//! name itself at each position it is given, so a table can never return a
//! wrong entry. The tables assume that the survey's names do not change
//! once looked up (the checker's lineage pass, the only later change, sets
//! `lineage` alone). If the survey's lists, variables or sections have since
//! grown or shrunk, lookups fall back to scanning; for any other change
//! (renamed entries, elements added to a section), call
//! [`Survey::reset_lookups`].

use std::hash::{BuildHasher, BuildHasherDefault};
use std::sync::OnceLock;

use super::{AnswerList, Element, Survey, Variable};
use crate::fasthash::FxHasher;

/// The lookup tables of one survey, built on first use.
#[derive(Default)]
pub struct Lookups(OnceLock<Tables>);

impl Clone for Lookups {
    /// A clone builds its own tables: the clone may be changed.
    fn clone(&self) -> Lookups {
        Lookups::default()
    }
}

impl PartialEq for Lookups {
    /// Tables are derived data: two surveys are equal whatever they hold.
    fn eq(&self, _: &Lookups) -> bool {
        true
    }
}

impl std::fmt::Debug for Lookups {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lookups")
    }
}

struct Tables {
    /// The lengths the tables were built for.
    lists_len: usize,
    variables_len: usize,
    sections_len: usize,
    lists: NameIndex<u32>,
    variables: NameIndex<u32>,
    /// (section, element) positions.
    elements: NameIndex<(u32, u32)>,
}

/// Positions by the hash of their name, sorted by hash and then position.
struct NameIndex<P> {
    entries: Vec<(u64, P)>,
}

fn hash(name: &str) -> u64 {
    BuildHasherDefault::<FxHasher>::default().hash_one(name)
}

impl<P: Copy + Ord> NameIndex<P> {
    fn new<'a>(names: impl Iterator<Item = (&'a str, P)>) -> NameIndex<P> {
        let mut entries: Vec<(u64, P)> = names.map(|(n, p)| (hash(n), p)).collect();
        entries.sort_unstable();
        NameIndex { entries }
    }

    /// The positions whose name has the hash of `name`, in survey order
    /// (the first is the one a scan would find first).
    fn positions(&self, name: &str) -> impl Iterator<Item = P> + '_ {
        let h = hash(name);
        let start = self.entries.partition_point(|(e, _)| *e < h);
        self.entries[start..]
            .iter()
            .take_while(move |(e, _)| *e == h)
            .map(|(_, p)| *p)
    }
}

fn position(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 entries")
}

impl Survey {
    /// Forgets the lookup tables (they are built again on the next lookup),
    /// for code that changes names or elements after looking names up.
    pub fn reset_lookups(&mut self) {
        self.lookups = Lookups::default();
    }

    /// The tables, unless the survey's lists, variables or sections changed
    /// in number since they were built.
    fn tables(&self) -> Option<&Tables> {
        let t = self.lookups.0.get_or_init(|| Tables {
            lists_len: self.lists.len(),
            variables_len: self.variables.len(),
            sections_len: self.sections.len(),
            lists: NameIndex::new(
                self.lists
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l.name.as_str(), position(i))),
            ),
            variables: NameIndex::new(
                self.variables
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (v.name.as_str(), position(i))),
            ),
            elements: NameIndex::new(self.sections.iter().enumerate().flat_map(|(s, sec)| {
                sec.elements
                    .iter()
                    .enumerate()
                    .map(move |(e, el)| (el.name.as_str(), (position(s), position(e))))
            })),
        });
        (t.lists_len == self.lists.len()
            && t.variables_len == self.variables.len()
            && t.sections_len == self.sections.len())
        .then_some(t)
    }

    /// The answer list called `name`.
    pub fn list(&self, name: &str) -> Option<&AnswerList> {
        let Some(t) = self.tables() else {
            return self.lists.iter().find(|l| l.name == name);
        };
        t.lists
            .positions(name)
            .filter_map(|i| self.lists.get(i as usize))
            .find(|l| l.name == name)
    }

    /// The variable called `name`.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        let Some(t) = self.tables() else {
            return self.variables.iter().find(|v| v.name == name);
        };
        t.variables
            .positions(name)
            .filter_map(|i| self.variables.get(i as usize))
            .find(|v| v.name == name)
    }

    /// The element (question, grid, display text, hidden variable) called
    /// `name`, in any section.
    pub fn element(&self, name: &str) -> Option<&Element> {
        let Some(t) = self.tables() else {
            return self
                .sections
                .iter()
                .flat_map(|s| &s.elements)
                .find(|e| e.name == name);
        };
        t.elements
            .positions(name)
            .filter_map(|(s, e)| self.sections.get(s as usize)?.elements.get(e as usize))
            .find(|e| e.name == name)
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{CheckOptions, check_source};

    const SRC: &str = r#"survey s
  version "1"
  languages en
  title en "S"
list yn
  option 1 en "Yes"
  option 2 en "No"
section a
  title en "A"
question q single yn
  text en "Q"
  label en "Q"
question m multiple
  text en "M"
  label en "M"
  option 1 en "One"
  option 2 en "Two"
section b
  title en "B"
question g grid yn
  text en "G"
  label en "G"
  item x
    en "X"
  item y
    en "Y"
display d
  text en "D"
"#;

    fn survey() -> crate::ir::Survey {
        let c = check_source("s.survey", SRC, &CheckOptions::default());
        assert!(!c.has_errors(), "{:?}", c.diagnostics);
        c.survey.expect("checks")
    }

    /// Every name is found where a scan finds it, and names that are not
    /// there are not found.
    #[test]
    fn lookups_agree_with_a_scan() {
        let s = survey();
        for v in &s.variables {
            assert!(std::ptr::eq(s.variable(&v.name).expect("found"), v));
        }
        for l in &s.lists {
            assert!(std::ptr::eq(s.list(&l.name).expect("found"), l));
        }
        for e in s.sections.iter().flat_map(|s| &s.elements) {
            assert!(std::ptr::eq(s.element(&e.name).expect("found"), e));
        }
        assert_eq!(
            s.variables
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>(),
            ["q", "m", "g_x", "g_y"]
        );
        assert!(s.element("g").is_some() && s.element("d").is_some());
        for missing in ["", "Q", "q ", "g", "m_1", "yes", "a", "d"] {
            assert!(s.variable(missing).is_none(), "{missing}");
        }
        assert!(s.list("YN").is_none() && s.list("q").is_none());
        assert!(s.element("g_x").is_none() && s.element("a").is_none());
    }

    /// A survey that grew or shrank after its first lookup still answers
    /// right: a new entry is found, a removed one is not.
    #[test]
    fn lookups_follow_changes_in_length() {
        let mut s = survey();
        assert!(s.variable("q").is_some());
        let mut extra = s.variables[0].clone();
        extra.name = "late".into();
        s.variables.push(extra);
        assert_eq!(s.variable("late").map(|v| v.name.as_str()), Some("late"));
        let mut s = survey();
        assert!(s.variable("g_y").is_some() && s.list("yn").is_some());
        s.variables.pop();
        s.lists.clear();
        assert!(s.variable("g_y").is_none() && s.list("yn").is_none());
        assert!(s.variable("g_x").is_some());
        // Entries moved without a change in length: a lookup may miss
        // them, but never returns another entry.
        let mut s = survey();
        assert!(s.variable("q").is_some() && s.element("m").is_some());
        s.variables.swap(0, 1);
        s.sections[0].elements.swap(0, 1);
        assert!(s.variable("q").is_none_or(|v| v.name == "q"));
        assert!(s.variable("m").is_none_or(|v| v.name == "m"));
        assert!(s.element("q").is_none_or(|e| e.name == "q"));
        // After a reset, lookups see every change.
        let mut s = survey();
        assert!(s.element("d").is_some());
        let mut extra = s.sections[1].elements[1].clone();
        extra.name = "d2".into();
        s.sections[1].elements.push(extra);
        s.variables[0].name = "q_renamed".into();
        s.reset_lookups();
        assert!(s.element("d2").is_some());
        assert_eq!(
            s.variable("q_renamed").map(|v| v.name.as_str()),
            Some("q_renamed")
        );
        assert!(s.variable("q").is_none());
        let s = survey();
        assert!(s.list("yn").is_some());
        // A clone starts without tables, so a name changed in it is found.
        let mut c = s.clone();
        c.lists[0].name = "renamed".into();
        assert!(c.list("renamed").is_some() && c.list("yn").is_none());
        assert!(s.list("yn").is_some());
        // Tables do not take part in equality.
        let mut d = s.clone();
        d.lists[0].name = "renamed".into();
        assert_eq!(c, d);
        assert_ne!(c, s);
    }
}
