//! Questions asked of the book: `list_where`, `count_where`, dynamic segments, and the
//! dynamic segments' place in each profile. Rules are checked against the book's
//! catalogues in the unit of work that answers them, and answered by the store.

use super::profile::{contact_cursor, page_size, DEFAULT_PAGE};
use super::{ContactBook, Unit};
use crate::model::{Contact, ListQuery, Page, Segment, SegmentKind};
use crate::rule::{Catalog, Check, Reference, Rule};
use crate::store::Parts;
use crate::validate::required_text;
use crate::{Error, Result};

const MAX_NAME_CHARS: usize = 255;

impl ContactBook {
    /// The live contacts `rule` matches, in id order, a page at a time. Periods count
    /// back from the book's clock now.
    pub fn list_where(&self, rule: &Rule, query: &ListQuery) -> Result<Page<Contact>> {
        let limit = page_size(query.limit, DEFAULT_PAGE)?;
        let after = contact_cursor(query.cursor.as_deref())?;
        self.read(|unit| {
            let check = unit.check_rule(rule, None)?;
            unit.page_matching(&check, after.as_deref(), limit)
        })
    }

    /// How many live contacts `rule` matches.
    pub fn count_where(&self, rule: &Rule) -> Result<u64> {
        self.read(|unit| {
            let check = unit.check_rule(rule, None)?;
            unit.tx.count_matching(&check, unit.now)
        })
    }

    /// Creates a dynamic segment: its members are the live contacts `rule` matches,
    /// as of every read.
    pub fn create_dynamic_segment(&self, name: &str, rule: &Rule) -> Result<Segment> {
        let name = required_text("name", name, MAX_NAME_CHARS)?;
        self.atomic(|unit| {
            unit.check_segment_name_free(&name, None)?;
            let id = unit.new_id();
            unit.check_rule(rule, Some(&id))?;
            let segment = Segment::new(id, name.clone(), None, Some(rule.clone()));
            unit.tx.put_segment(&segment)?;
            unit.note_catalog();
            Ok(segment)
        })
    }
}

impl Unit<'_> {
    /// The catalogues rules are checked against.
    fn rule_catalog(&mut self) -> Result<Catalog> {
        Ok(Catalog {
            fields: self.tx.field_definitions()?,
            segments: self.tx.segments()?,
            categories: self.tx.categories()?,
        })
    }

    /// Checks `rule` against the book; as the rule of the dynamic segment `defining`
    /// when it is one.
    pub(super) fn check_rule(&mut self, rule: &Rule, defining: Option<&str>) -> Result<Check> {
        let catalog = self.rule_catalog()?;
        Check::defining(rule, &catalog, defining)
    }

    /// Checks a dynamic segment's stored rule. It checked when it was stored, and
    /// nothing it names can be deleted while it does: failing now is the store's fault.
    pub(super) fn check_stored(&mut self, segment_name: &str, rule: &Rule) -> Result<Check> {
        self.check_rule(rule, None).map_err(|e| {
            Error::storage(format!(
                "the rule of segment {segment_name:?} no longer checks: {e}"
            ))
        })
    }

    /// A page of the live contacts `check` matches after `after`.
    pub(super) fn page_matching(
        &mut self,
        check: &Check,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Page<Contact>> {
        let ids = self
            .tx
            .matching_ids(check, self.now, None, after, limit + 1)?;
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut records = self.tx.contacts_with(&refs, Parts::ALL)?;
        records.sort_by(|a, b| a.id.cmp(&b.id));
        self.page_of_contacts(records, limit)
    }

    /// Refuses to delete what a dynamic segment's rule names (`field` and `value` name
    /// it in the error).
    pub(super) fn refuse_if_named(
        &mut self,
        field: &str,
        value: &str,
        reference: Reference<'_>,
    ) -> Result<()> {
        let naming = self.tx.segments()?.into_iter().find(|s| {
            s.rule
                .as_ref()
                .is_some_and(|rule| rule.refers_to(reference))
        });
        match naming {
            Some(segment) => Err(Error::validation(
                field,
                value,
                format!(
                    "the rule of dynamic segment {:?} ({}) names it: change that rule first",
                    segment.name, segment.id
                ),
            )),
            None => Ok(()),
        }
    }

    /// Adds to each card the dynamic segments its contact is in now: one read of the
    /// segments, and when there are dynamic ones, one query per dynamic segment for
    /// all the cards at once.
    pub(super) fn add_dynamic_segments(&mut self, cards: &mut [Contact]) -> Result<()> {
        if cards.is_empty() {
            return Ok(());
        }
        let segments = self.tx.segments()?;
        if !segments.iter().any(|s| s.kind == SegmentKind::Dynamic) {
            return Ok(());
        }
        let catalog = Catalog {
            fields: self.tx.field_definitions()?,
            categories: self.tx.categories()?,
            segments,
        };
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        let mut members: Vec<(String, Vec<String>)> = Vec::new();
        for segment in &catalog.segments {
            let Some(rule) = &segment.rule else { continue };
            let check = Check::new(rule, &catalog).map_err(|e| {
                Error::storage(format!(
                    "the rule of segment {:?} no longer checks: {e}",
                    segment.name
                ))
            })?;
            let matched = self
                .tx
                .matching_ids(&check, self.now, Some(&ids), None, ids.len())?;
            members.push((segment.id.clone(), matched));
        }
        for card in cards.iter_mut() {
            for (segment_id, matched) in &members {
                if matched.contains(&card.id) {
                    card.segments.push(segment_id.clone());
                }
            }
            card.segments.sort();
        }
        Ok(())
    }
}
