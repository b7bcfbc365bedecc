//! The book's catalogues: subscription categories, static segments and additional
//! field definitions, and the operations that put contacts in them.

use super::profile::{contact_cursor, page_size, DEFAULT_PAGE};
use super::{ContactBook, Unit};
use crate::model::{
    Category, Contact, ContactInput, FieldDefinition, FieldInput, FieldUpdate, ListQuery, Page,
    Segment, SegmentKind, SegmentUpdate,
};
use crate::rule::Reference;
use crate::validate::{self, required_text};
use crate::{Error, Result};

const MAX_TITLE_CHARS: usize = 255;

impl ContactBook {
    /// Defines a subscription category. Its key is the slug of the title
    /// (`Weekly news` → `weekly-news`); a segment of the same name is created with it.
    pub fn define_category(&self, title: &str) -> Result<Category> {
        let title = required_text("title", title, MAX_TITLE_CHARS)?;
        let key = slug::slugify(&title);
        if key.is_empty() {
            return Err(Error::validation(
                "title",
                &title,
                "needs letters or digits to make a key",
            ));
        }
        self.atomic(|unit| {
            if let Some(existing) = unit.tx.category(&key)? {
                return Err(Error::conflict(
                    "key",
                    &key,
                    format!("category {:?}", existing.title),
                    &existing.key,
                ));
            }
            unit.check_segment_name_free(&title, None)?;
            let segment = Segment::new(unit.new_id(), title.clone(), Some(key.clone()), None);
            let category = Category {
                key: key.clone(),
                title: title.clone(),
                segment_id: segment.id.clone(),
            };
            unit.tx.put_segment(&segment)?;
            unit.tx.put_category(&category)?;
            unit.note_catalog();
            Ok(category)
        })
    }

    /// The category with `title`'s key, defined now if the book has none: a script
    /// that sets up its categories can run again.
    pub fn ensure_category(&self, title: &str) -> Result<Category> {
        let key = slug::slugify(title.trim());
        if let Some(existing) = self.read(|unit| unit.tx.category(&key))? {
            return Ok(existing);
        }
        match self.define_category(title) {
            // Defined meanwhile by another writer.
            Err(Error::Conflict { .. }) => self
                .read(|unit| unit.tx.category(&key))?
                .ok_or_else(|| Error::not_found("category", key)),
            other => other,
        }
    }

    /// Renames the category `key` (its key stays: integrations use it); its segment
    /// takes the new title too.
    pub fn update_category(&self, key: &str, title: &str) -> Result<Category> {
        let title = required_text("title", title, MAX_TITLE_CHARS)?;
        self.atomic(|unit| {
            let mut category = unit.category(key)?;
            let mut segment = unit
                .tx
                .segment(&category.segment_id)?
                .ok_or_else(|| Error::storage(format!("category {key} has no segment")))?;
            unit.check_segment_name_free(&title, Some(&segment.id))?;
            category.title = title.clone();
            segment.name = title.clone();
            unit.tx.put_segment(&segment)?;
            unit.tx.put_category(&category)?;
            unit.note_catalog();
            Ok(category)
        })
    }

    /// Deletes the category `key`, its segment, and every contact's subscription.
    pub fn delete_category(&self, key: &str) -> Result<()> {
        self.atomic(|unit| {
            let category = unit.category(key)?;
            unit.refuse_if_named("key", key, Reference::Category(&category.key))?;
            unit.tx.delete_category(&category.key)?;
            unit.note_catalog();
            unit.tx.delete_segment(&category.segment_id)
        })
    }

    /// Every category, by key.
    pub fn categories(&self) -> Result<Vec<Category>> {
        self.read(|unit| unit.tx.categories())
    }

    /// Subscribes the contact to the category `key` (once; again is a no-op).
    pub fn add_category(&self, id: &str, key: &str) -> Result<Contact> {
        self.atomic(|unit| {
            let mut record = unit.live_contact(id)?;
            unit.join_category(&mut record, key)?;
            let record = unit.save(record)?;
            unit.view(record)
        })
    }

    /// Unsubscribes the contact from the category `key`.
    pub fn remove_category(&self, id: &str, key: &str) -> Result<Contact> {
        self.atomic(|unit| {
            if unit.tx.category(key)?.is_none() {
                return Err(Error::not_found("category", key));
            }
            let mut record = unit.live_contact(id)?;
            unit.leave_category(&mut record, key)?;
            let record = unit.save(record)?;
            unit.view(record)
        })
    }

    /// Creates a static segment with a unique name.
    pub fn create_segment(&self, name: &str) -> Result<Segment> {
        let name = required_text("name", name, MAX_TITLE_CHARS)?;
        self.atomic(|unit| {
            unit.check_segment_name_free(&name, None)?;
            let segment = Segment::new(unit.new_id(), name.clone(), None, None);
            unit.tx.put_segment(&segment)?;
            unit.note_catalog();
            Ok(segment)
        })
    }

    /// The segment named `name` (ASCII case aside), created now as a static segment
    /// if the book has none, so a setup script can run again. It may be any segment
    /// of that name: a dynamic one, or a category's.
    ///
    /// With `rule` a segment it creates is dynamic (an existing one keeps its rule).
    pub fn ensure_segment(&self, name: &str, rule: Option<&crate::Rule>) -> Result<Segment> {
        let named = |book: &Self| book.read(|unit| unit.segment_named(name.trim()));
        if let Some(existing) = named(self)? {
            return Ok(existing);
        }
        let created = match rule {
            Some(rule) => self.create_dynamic_segment(name, rule),
            None => self.create_segment(name),
        };
        match created {
            Err(Error::Conflict { .. }) => {
                named(self)?.ok_or_else(|| Error::not_found("segment", name))
            }
            other => other,
        }
    }

    /// Renames a static or dynamic segment and changes a dynamic segment's rule (a
    /// category's segment is renamed with its category). A static segment has no rule.
    pub fn update_segment(&self, id: &str, update: SegmentUpdate) -> Result<Segment> {
        let name = update
            .name
            .as_deref()
            .map(|name| required_text("name", name, MAX_TITLE_CHARS))
            .transpose()?;
        self.atomic(|unit| {
            let segment = unit.own_segment(id)?;
            if let Some(name) = &name {
                unit.check_segment_name_free(name, Some(&segment.id))?;
            }
            let rule = match (&update.rule, segment.kind) {
                (None, _) => segment.rule.clone(),
                (Some(rule), SegmentKind::Dynamic) => {
                    unit.check_rule(rule, Some(&segment.id))?;
                    Some(rule.clone())
                }
                (Some(_), _) => {
                    return Err(Error::validation(
                        "rule",
                        &segment.id,
                        "a static segment has no rule: create a dynamic segment with one",
                    ))
                }
            };
            let segment =
                Segment::new(segment.id, name.clone().unwrap_or(segment.name), None, rule);
            unit.tx.put_segment(&segment)?;
            unit.note_catalog();
            Ok(segment)
        })
    }

    /// Deletes a static or dynamic segment and every membership in it (a category's
    /// segment goes with its category: `delete_category`). A segment a dynamic
    /// segment's rule names stays until that rule no longer does.
    pub fn delete_segment(&self, id: &str) -> Result<()> {
        self.atomic(|unit| {
            let segment = unit.own_segment(id)?;
            unit.refuse_if_named("segment", id, Reference::Segment(&segment.id))?;
            unit.note_catalog();
            unit.tx.delete_segment(&segment.id)
        })
    }

    /// Every segment (static, dynamic and category-backed), by id.
    pub fn segments(&self) -> Result<Vec<Segment>> {
        self.read(|unit| unit.tx.segments())
    }

    /// Adds the contact to a static segment, named by its id or its name (a
    /// category's segment follows the category: use `add_category`).
    pub fn add_to_segment(&self, id: &str, segment_id: &str) -> Result<Contact> {
        self.atomic(|unit| {
            let segment = unit.static_segment(segment_id)?;
            let mut record = unit.live_contact(id)?;
            record.segments.insert(segment.id);
            let record = unit.save(record)?;
            unit.view(record)
        })
    }

    /// Removes the contact from a static segment.
    pub fn remove_from_segment(&self, id: &str, segment_id: &str) -> Result<Contact> {
        self.atomic(|unit| {
            let segment = unit.static_segment(segment_id)?;
            let mut record = unit.live_contact(id)?;
            record.segments.remove(&segment.id);
            let record = unit.save(record)?;
            unit.view(record)
        })
    }

    /// Live members of a segment (named by its id or its name) in id order, a page
    /// at a time.
    pub fn segment_members(&self, segment_id: &str, query: &ListQuery) -> Result<Page<Contact>> {
        let limit = page_size(query.limit, DEFAULT_PAGE)?;
        let after = contact_cursor(query.cursor.as_deref())?;
        self.read(|unit| {
            let segment = unit
                .segment_named(segment_id)?
                .ok_or_else(|| Error::not_found("segment", segment_id))?;
            if let Some(rule) = &segment.rule {
                let check = unit.check_stored(&segment.name, rule)?;
                return unit.page_matching(&check, after.as_deref(), limit);
            }
            let records = unit
                .tx
                .segment_members(&segment.id, after.as_deref(), limit + 1)?;
            unit.page_of_contacts(records, limit)
        })
    }

    /// Defines an additional field. Defining the same definition again is a no-op;
    /// a different definition under an existing key is a conflict.
    pub fn define_field(&self, definition: FieldDefinition) -> Result<FieldDefinition> {
        let definition = validate::validate_definition(&definition)?;
        self.atomic(|unit| {
            let existing = unit
                .tx
                .field_definitions()?
                .into_iter()
                .find(|d| d.key == definition.key);
            match existing {
                Some(existing) if existing == definition => Ok(existing),
                Some(_) => Err(Error::conflict(
                    "key",
                    &definition.key,
                    "a different field definition",
                    &definition.key,
                )),
                None => {
                    unit.tx.put_field_definition(&definition)?;
                    unit.note_catalog();
                    Ok(definition.clone())
                }
            }
        })
    }

    /// The field defined under `definition`'s key, whatever its definition, or
    /// `definition` defined now: a setup script can run again.
    pub fn ensure_field(&self, definition: FieldDefinition) -> Result<FieldDefinition> {
        let key = definition.key.trim().to_string();
        let existing = |book: &Self| {
            book.read(|unit| {
                Ok(unit
                    .tx
                    .field_definitions()?
                    .into_iter()
                    .find(|d| d.key == key))
            })
        };
        if let Some(existing) = existing(self)? {
            return Ok(existing);
        }
        match self.define_field(definition) {
            Err(Error::Conflict { .. }) => {
                existing(self)?.ok_or_else(|| Error::not_found("field", &key))
            }
            other => other,
        }
    }

    /// Renames a field and adds options to a list or multilist field; what contacts
    /// hold stays valid, since no option is taken away.
    pub fn update_field(&self, key: &str, update: FieldUpdate) -> Result<FieldDefinition> {
        self.atomic(|unit| {
            let mut definition = unit.field_definition(key)?;
            if let Some(title) = &update.title {
                definition.title = required_text("title", title, MAX_TITLE_CHARS)?;
            }
            definition
                .options
                .extend(update.add_options.iter().cloned());
            let definition = validate::validate_definition(&definition)?;
            unit.tx.put_field_definition(&definition)?;
            unit.note_catalog();
            Ok(definition)
        })
    }

    /// Deletes the field `key` and every contact's value of it.
    pub fn delete_field(&self, key: &str) -> Result<()> {
        self.atomic(|unit| {
            let definition = unit.field_definition(key)?;
            unit.refuse_if_named("key", key, Reference::Field(&definition.key))?;
            unit.note_catalog();
            unit.tx.delete_field_definition(&definition.key)
        })
    }

    /// Every field definition, by key.
    pub fn field_definitions(&self) -> Result<Vec<FieldDefinition>> {
        self.read(|unit| unit.tx.field_definitions())
    }

    /// Sets one additional field, parsing `value` against its definition.
    pub fn set_field(&self, id: &str, key: &str, value: FieldInput) -> Result<Contact> {
        self.update(id, fields_patch(key, Some(value)))
    }

    /// Clears one additional field (a required field cannot be cleared).
    pub fn clear_field(&self, id: &str, key: &str) -> Result<Contact> {
        self.update(id, fields_patch(key, None))
    }
}

fn fields_patch(key: &str, value: Option<FieldInput>) -> ContactInput {
    ContactInput {
        fields: [(key.to_string(), value)].into_iter().collect(),
        ..Default::default()
    }
}

impl Unit<'_> {
    /// The static segment with `id`; not-found, or a validation error for a
    /// category's segment (it is edited through the category).
    pub(super) fn static_segment(&mut self, id: &str) -> Result<Segment> {
        let segment = self.own_segment(id)?;
        match segment.kind {
            SegmentKind::Dynamic => Err(Error::validation(
                "segment",
                id,
                "is dynamic: its rule decides its members",
            )),
            _ => Ok(segment),
        }
    }

    /// The static or dynamic segment with `id`; not-found, or a validation error for a
    /// category's segment (it is edited through the category).
    fn own_segment(&mut self, id: &str) -> Result<Segment> {
        let segment = self
            .segment_named(id)?
            .ok_or_else(|| Error::not_found("segment", id))?;
        match &segment.category_key {
            Some(key) => Err(Error::validation(
                "segment",
                id,
                format!("belongs to category {key:?}: subscribe contacts with add_category"),
            )),
            None => Ok(segment),
        }
    }

    fn category(&mut self, key: &str) -> Result<Category> {
        self.tx
            .category(key)?
            .ok_or_else(|| Error::not_found("category", key))
    }

    fn field_definition(&mut self, key: &str) -> Result<FieldDefinition> {
        self.tx
            .field_definitions()?
            .into_iter()
            .find(|d| d.key == key)
            .ok_or_else(|| Error::not_found("field", key))
    }

    /// Refuses a segment name another segment has (in any case); `renaming` is the
    /// segment being renamed, which may keep or re-case its own name.
    pub(super) fn check_segment_name_free(
        &mut self,
        name: &str,
        renaming: Option<&str>,
    ) -> Result<()> {
        match self
            .tx
            .segments()?
            .into_iter()
            .find(|s| s.name.eq_ignore_ascii_case(name) && Some(s.id.as_str()) != renaming)
        {
            Some(existing) => Err(Error::conflict(
                "name",
                name,
                format!("segment {}", existing.id),
                &existing.id,
            )),
            None => Ok(()),
        }
    }
}
