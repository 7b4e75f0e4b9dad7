//! Edits of a scenario's TOML text that keep everything the user did not touch: comments, order,
//! layout and the decoration around a changed value (toml_edit). The workbench sends an edit as a
//! path of keys and indices and either a JSON value or the text the user typed with its kind;
//! the text is read here, so number reading (Danish `8.393.750`, `0,14`, `14 %`) is in one place.

use serde::Deserialize;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// One step of a path: a key, or an index into an array (or array of tables).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Step {
    /// A key of a table or inline table.
    Key(String),
    /// An index into an array or an array of tables.
    Index(usize),
    /// The table of an array of tables whose `item` is this id (`{"item": "kontanthjaelp"}`),
    /// appended when there is none: an override of a knowledge-base item.
    Item {
        /// The item id.
        item: String,
    },
}

/// What an edit does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Set the value at the path (creating the tables on the way); `null` removes it.
    #[default]
    Set,
    /// Remove the key or the array element at the path.
    Remove,
    /// Append the value (a table), or the typed `fields`, to the array of tables at the path.
    Append,
    /// Add the string `value` to the array at the path, or remove it when it is there.
    Toggle,
}

/// One typed field of an appended table: `key` (nested, e.g. `["prices", "kommune"]`) read from
/// `text` as `kind`.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    /// Where in the new table.
    pub key: Vec<String>,
    /// What the user typed.
    pub text: String,
    /// How to read it.
    pub kind: Kind,
}

/// How to read what the user typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Text as given; empty removes the key.
    Text,
    /// A number (`0,14`, `8.393.750`, `1e6`).
    Number,
    /// A whole number.
    Int,
    /// An amount in a row of years: a number, and empty is 0 (a year's cell is never removed,
    /// which would move the later years).
    Amount,
    /// A percentage typed as 14 or `14 %`, stored as the share 0.14.
    Percent,
    /// Numbers separated by `;` (or by a comma followed by a space, or spaces).
    List,
    /// Whole numbers separated likewise.
    IntList,
    /// `true` / `false`.
    Bool,
    /// Numbers typed as a list, one per name in the edit's `keys`, stored as a table of them
    /// (a price row: `1.000; 0; 250` → `{ kommune = 1000, region = 0, stat = 250 }`).
    Row,
}

/// One edit.
#[derive(Debug, Clone, Deserialize)]
pub struct Edit {
    /// Where: e.g. `["intervention", 0, "success_rate"]`.
    pub path: Vec<Step>,
    /// What to do.
    #[serde(default)]
    pub op: Op,
    /// The new value as JSON (numbers, strings, booleans, arrays, objects; `null` removes).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// Or the text the user typed, read as `kind`.
    #[serde(default)]
    pub text: Option<String>,
    /// How to read `text`.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// For [`Op::Append`]: the new table as typed fields.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// For [`Kind::Row`]: the names of the row's values, in order.
    #[serde(default)]
    pub keys: Option<Vec<String>>,
    /// Read numbers as English text (`8,393,750.5`); set by the server from the page's language.
    #[serde(skip)]
    pub english: bool,
}

/// Tables written as `[section]` headers rather than inline, when an edit creates them.
const SECTIONS: &[&str] = &["settings", "monte_carlo", "uncertainty"];

/// Reads a number as people type it: Danish (`8.393.750,5`, `0,14`) or English (`0.14`,
/// `8,393,750.5` is not accepted — a comma is a decimal comma), with `kr.`, `%` and spaces
/// ignored. A single dot followed by exactly three digits after a non-zero integer part is a
/// thousands separator (`1.500` = 1500), as Danish readers write it.
pub fn number(text: &str) -> Option<f64> {
    let mut t = bare(text);
    if t.is_empty() {
        return None;
    }
    let dots = t.matches('.').count();
    let commas = t.matches(',').count();
    if commas > 1 {
        return None;
    }
    if commas == 1 {
        // Danish: dots group thousands, the comma is the decimal sign
        t = t.replace('.', "").replace(',', ".");
    } else if dots > 1 {
        t = t.replace('.', "");
    } else if dots == 1 && !t.contains(['e', 'E']) {
        let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
        let digits = int.trim_start_matches(['-', '+']);
        if frac.len() == 3
            && frac.chars().all(|c| c.is_ascii_digit())
            && !digits.is_empty()
            && digits != "0"
        {
            t = t.replace('.', "");
        }
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Splits a typed list: on `;` when there is one, else on commas followed by a space and on
/// spaces (a comma without a space is a decimal comma).
fn list_parts(text: &str, english: bool) -> Vec<String> {
    let t = text.trim();
    if t.is_empty() {
        return Vec::new();
    }
    if t.contains(';') {
        return t.split(';').map(|s| s.trim().to_string()).collect();
    }
    // Danish: a comma without a space is a decimal comma; English: commas group thousands
    let t = if english {
        t.to_string()
    } else {
        t.replace(", ", " ")
    };
    t.split_whitespace().map(str::to_string).collect()
}

/// The typed `text` as a TOML value (`None`: remove the key), or what was expected.
pub fn read(text: &str, kind: Kind) -> Result<Option<Value>, String> {
    read_as(text, kind, false)
}

/// English number reading: commas group thousands, the dot is the decimal sign.
pub fn number_en(text: &str) -> Option<f64> {
    bare(text)
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// A typed number without its unit (`kr.`, `%`), spaces, underscores, and with a typographic
/// minus as `-`: what both readers start from.
fn bare(text: &str) -> String {
    text.trim()
        .trim_end_matches("kr.")
        .trim_end_matches("kr")
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '_')
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect()
}

/// [`read`], with English number reading when `english`.
pub fn read_as(text: &str, kind: Kind, english: bool) -> Result<Option<Value>, String> {
    let number = |t: &str| if english { number_en(t) } else { number(t) };
    let t = text.trim();
    let int = |x: f64| -> Result<i64, String> {
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            Ok(x as i64)
        } else {
            Err(format!("expected a whole number, got {t}"))
        }
    };
    Ok(Some(match kind {
        Kind::Text if t.is_empty() => return Ok(None),
        Kind::Text => Value::from(text.trim_end()),
        Kind::Bool => match t {
            "true" | "ja" | "yes" | "1" => Value::from(true),
            "false" | "nej" | "no" | "0" => Value::from(false),
            _ => return Err(format!("expected true or false, got {t}")),
        },
        Kind::Amount if t.is_empty() => Value::from(0),
        _ if t.is_empty() && !matches!(kind, Kind::List | Kind::IntList) => return Ok(None),
        Kind::Number => {
            Value::from(number(t).ok_or_else(|| format!("expected a number, got {t}"))?)
        }
        Kind::Amount => {
            let x = number(t).ok_or_else(|| format!("expected an amount in kroner, got {t}"))?;
            // whole kroner stay whole in the file (8393750, not 8393750.0)
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        }
        Kind::Int => Value::from(int(
            number(t).ok_or_else(|| format!("expected a whole number, got {t}"))?
        )?),
        Kind::Percent => {
            let x =
                number(t).ok_or_else(|| format!("expected a percentage such as 14, got {t}"))?;
            // 14 % is stored as 0.14, rounded so that 14 gives 0.14 exactly
            Value::from(round_share(x / 100.0))
        }
        Kind::Row => return Err("a row needs its keys".into()),
        Kind::List | Kind::IntList => {
            let mut a = toml_edit::Array::new();
            for (i, part) in list_parts(t, english).iter().enumerate() {
                let x = number(part).ok_or_else(|| {
                    format!("value {} of the list: expected a number, got {part}", i + 1)
                })?;
                if kind == Kind::IntList {
                    a.push(int(x)?);
                } else {
                    a.push(x);
                }
            }
            Value::Array(a)
        }
    }))
}

/// A share computed from a percentage, with the binary noise of the division removed (14 / 100
/// is 0.14000000000000001; 12 significant digits are kept).
fn round_share(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    format!("{x:.12e}").parse().unwrap_or(x)
}

/// A JSON value as a TOML value (`None` for null).
pub fn from_json(v: &serde_json::Value) -> Result<Option<Value>, String> {
    use serde_json::Value as J;
    Ok(Some(match v {
        J::Null => return Ok(None),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => Value::from(i),
            None => Value::from(n.as_f64().ok_or("a number out of range")?),
        },
        J::String(s) => Value::from(s.as_str()),
        J::Array(a) => {
            let mut arr = toml_edit::Array::new();
            for x in a {
                if let Some(v) = from_json(x)? {
                    arr.push(v);
                }
            }
            Value::Array(arr)
        }
        J::Object(o) => {
            let mut t = InlineTable::new();
            for (k, x) in o {
                if let Some(v) = from_json(x)? {
                    t.insert(k.as_str(), v);
                }
            }
            Value::InlineTable(t)
        }
    }))
}

/// A JSON object as a `[[…]]` table (for [`Op::Append`]).
fn table_from_json(v: &serde_json::Value) -> Result<Table, String> {
    let o = v
        .as_object()
        .ok_or("append needs a table (a JSON object)")?;
    let mut t = Table::new();
    for (k, x) in o {
        match x {
            // `[[intervention.consequence]]` and `[intervention.uncertainty]` stay as headers
            serde_json::Value::Array(a) if !a.is_empty() && a.iter().all(|e| e.is_object()) => {
                let mut aot = toml_edit::ArrayOfTables::new();
                for e in a {
                    aot.push(table_from_json(e)?);
                }
                t.insert(k, Item::ArrayOfTables(aot));
            }
            serde_json::Value::Object(_) if SECTIONS.contains(&k.as_str()) => {
                t.insert(k, Item::Table(table_from_json(x)?));
            }
            _ => {
                if let Some(v) = from_json(x)? {
                    t.insert(k, Item::Value(v));
                }
            }
        }
    }
    Ok(t)
}

/// A `[[…]]` table from typed fields (empty texts left out).
fn table_from_fields(fields: &[Field], english: bool) -> Result<Table, String> {
    let mut t = Table::new();
    for f in fields {
        let Some(v) =
            read_as(&f.text, f.kind, english).map_err(|m| format!("{}: {m}", f.key.join(".")))?
        else {
            continue;
        };
        match f.key.as_slice() {
            [k] => {
                t.insert(k, Item::Value(v));
            }
            [k, sub] => {
                let entry = t
                    .entry(k)
                    .or_insert(Item::Value(Value::InlineTable(InlineTable::new())));
                if let Some(it) = entry.as_inline_table_mut() {
                    it.insert(sub.as_str(), v);
                }
            }
            _ => return Err("a field key has one or two parts".into()),
        }
    }
    Ok(t)
}

fn show(path: &[Step]) -> String {
    let mut s = String::new();
    for p in path {
        match p {
            Step::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Item { item } => s.push_str(&format!("[item={item}]")),
        }
    }
    s
}

/// Puts `new` where `old` was, keeping the spaces and comment around the old value.
fn replace_keeping_decor(old: &mut Value, mut new: Value) {
    *new.decor_mut() = old.decor().clone();
    *old = new;
}

/// Where the table whose `item` is `id` stands in an array of tables.
fn item_at(aot: &toml_edit::ArrayOfTables, id: &str) -> Option<usize> {
    aot.iter()
        .position(|t| t.get("item").and_then(|v| v.as_str()) == Some(id))
}

/// Walks to the item at `path`, creating tables on the way (as `[section]` headers for
/// [`SECTIONS`], inline otherwise) and extending arrays with zeros.
fn walk<'a>(mut cur: &'a mut Item, path: &[Step]) -> Result<&'a mut Item, String> {
    for (i, step) in path.iter().enumerate() {
        let here = || show(&path[..=i]);
        cur = match step {
            Step::Key(k) => {
                if cur.is_none() {
                    *cur = Item::Table(Table::new());
                }
                if let Item::Table(t) = cur {
                    if !t.contains_key(k) && SECTIONS.contains(&k.as_str()) {
                        t.insert(k, Item::Table(Table::new()));
                    }
                } else if !cur.is_inline_table() {
                    return Err(format!("{}: not a table", show(&path[..i])));
                }
                cur.get_mut(k.as_str())
                    .ok_or_else(|| format!("{}: not a table", show(&path[..i])))?
            }
            Step::Index(n) => {
                if cur.is_none() {
                    *cur = Item::Value(Value::Array(toml_edit::Array::new()));
                }
                if let Some(a) = cur.as_array_mut() {
                    while a.len() <= *n {
                        a.push(0);
                    }
                }
                cur.get_mut(*n)
                    .ok_or_else(|| format!("{}: no such element", here()))?
            }
            Step::Item { item } => {
                if cur.is_none() {
                    *cur = Item::ArrayOfTables(toml_edit::ArrayOfTables::new());
                }
                let aot = cur
                    .as_array_of_tables_mut()
                    .ok_or_else(|| format!("{}: not a list of tables", show(&path[..i])))?;
                let at = match item_at(aot, item) {
                    Some(at) => at,
                    None => {
                        let mut t = Table::new();
                        t.insert("item", toml_edit::value(item.as_str()));
                        aot.push(t);
                        aot.len() - 1
                    }
                };
                cur.get_mut(at)
                    .ok_or_else(|| format!("{}: no such element", here()))?
            }
        };
    }
    Ok(cur)
}

/// Applies one edit to the document.
pub fn apply(doc: &mut DocumentMut, e: &Edit) -> Result<(), String> {
    let value = match (&e.text, e.kind, &e.value) {
        (Some(text), Some(Kind::Row), _) => {
            let keys = e.keys.as_deref().unwrap_or_default();
            let parts = list_parts(text, e.english);
            if parts.is_empty() {
                None
            } else if parts.len() != keys.len() {
                return Err(format!(
                    "expected {} numbers ({}), got {}",
                    keys.len(),
                    keys.join("; "),
                    parts.len()
                ));
            } else {
                let mut t = InlineTable::new();
                for (k, part) in keys.iter().zip(&parts) {
                    match read_as(part, Kind::Amount, e.english)? {
                        Some(v) => t.insert(k.as_str(), v),
                        None => None,
                    };
                }
                Some(Value::InlineTable(t))
            }
        }
        (Some(text), Some(kind), _) => read_as(text, kind, e.english)?,
        (Some(text), None, _) => read(text, Kind::Text)?,
        (None, _, Some(v)) if e.op != Op::Append => from_json(v)?,
        _ => None,
    };
    let (last, parent_path) = e.path.split_last().ok_or("an edit needs a path")?;
    match e.op {
        Op::Toggle => {
            let s = e
                .value
                .as_ref()
                .and_then(|v| v.as_str())
                .ok_or("toggle needs a string value")?;
            let item = walk(doc.as_item_mut(), &e.path)?;
            if item.is_none() {
                *item = Item::Value(Value::Array(toml_edit::Array::new()));
            }
            let a = item
                .as_array_mut()
                .ok_or_else(|| format!("{}: not a list", show(&e.path)))?;
            let at = a.iter().position(|v| v.as_str() == Some(s));
            match at {
                Some(at) => {
                    a.remove(at);
                }
                None => a.push(s),
            }
            Ok(())
        }
        Op::Append => {
            let t = match (&e.fields, &e.value) {
                (Some(fields), _) => table_from_fields(fields, e.english)?,
                (None, Some(v)) => table_from_json(v)?,
                (None, None) => return Err("append needs a value".into()),
            };
            let item = walk(doc.as_item_mut(), &e.path)?;
            if item.is_none() {
                *item = Item::ArrayOfTables(toml_edit::ArrayOfTables::new());
            }
            item.as_array_of_tables_mut()
                .ok_or_else(|| format!("{}: not a list of tables", show(&e.path)))?
                .push(t);
            Ok(())
        }
        Op::Remove => remove(doc, parent_path, last),
        Op::Set => match value {
            None => remove(doc, parent_path, last),
            Some(v) => {
                let item = walk(doc.as_item_mut(), &e.path)?;
                match item {
                    Item::Value(old) => {
                        // `success_rate = { value = 0.14, source = "…" }`: the value changes,
                        // the logbook stays
                        let keeps_logbook = old
                            .as_inline_table()
                            .is_some_and(|t| t.contains_key("value"))
                            && !v.is_inline_table();
                        let mut v = v;
                        // a new form of the same input (a success rate given another way, another
                        // distribution) keeps its note and source
                        if let (Some(was), Some(new)) =
                            (old.as_inline_table(), v.as_inline_table_mut())
                        {
                            for k in ["note", "source"] {
                                if let (Some(x), false) = (was.get(k), new.contains_key(k)) {
                                    new.insert(k, x.clone());
                                }
                            }
                        }
                        if keeps_logbook {
                            if let Some(inner) =
                                old.as_inline_table_mut().and_then(|t| t.get_mut("value"))
                            {
                                replace_keeping_decor(inner, v);
                            }
                        } else {
                            replace_keeping_decor(old, v);
                        }
                    }
                    other => *other = Item::Value(v),
                }
                Ok(())
            }
        },
    }
}

fn remove(doc: &mut DocumentMut, parent: &[Step], last: &Step) -> Result<(), String> {
    let p = walk(doc.as_item_mut(), parent)?;
    match last {
        Step::Key(k) => {
            if let Some(t) = p.as_table_like_mut() {
                t.remove(k);
            }
        }
        Step::Index(n) => {
            if let Some(a) = p.as_array_mut() {
                if *n < a.len() {
                    a.remove(*n);
                }
            } else if let Some(a) = p.as_array_of_tables_mut()
                && *n < a.len()
            {
                a.remove(*n);
            }
        }
        Step::Item { item } => {
            if let Some(a) = p.as_array_of_tables_mut()
                && let Some(at) = item_at(a, item)
            {
                a.remove(at);
            }
        }
    }
    Ok(())
}

/// Applies `edits` to `text` in order. The first edit that cannot be applied is returned with its
/// index and what is wrong; the text is then unchanged.
pub fn apply_all(text: &str, edits: &[Edit]) -> Result<String, (usize, String)> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| (usize::MAX, e.message().to_string()))?;
    for (i, e) in edits.iter().enumerate() {
        apply(&mut doc, e).map_err(|m| (i, m))?;
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(path: serde_json::Value, value: serde_json::Value) -> Edit {
        serde_json::from_value(serde_json::json!({ "path": path, "value": value })).unwrap()
    }

    fn typed(path: serde_json::Value, text: &str, kind: &str) -> Edit {
        serde_json::from_value(serde_json::json!({ "path": path, "text": text, "kind": kind }))
            .unwrap()
    }

    #[test]
    fn numbers_are_read_as_danish_users_type_them() {
        assert_eq!(number("8.393.750"), Some(8_393_750.0));
        assert_eq!(number("8393750"), Some(8_393_750.0));
        assert_eq!(number("8 393 750 kr."), Some(8_393_750.0));
        assert_eq!(number("0,14"), Some(0.14));
        assert_eq!(number("0.14"), Some(0.14));
        assert_eq!(number("1.500"), Some(1500.0));
        assert_eq!(number("0.140"), Some(0.14));
        assert_eq!(number("1.234,5"), Some(1234.5));
        assert_eq!(number("-2,9"), Some(-2.9));
        assert_eq!(number("\u{2212}7.319.415"), Some(-7_319_415.0));
        assert_eq!(number("14 %"), Some(14.0));
        assert_eq!(number("1e6"), Some(1e6));
        assert_eq!(number("1,2,3"), None);
        assert_eq!(number("abc"), None);
        assert_eq!(number(""), None);
        assert_eq!(number("inf"), None);
    }

    #[test]
    fn english_numbers_are_read_as_english_users_type_them() {
        assert_eq!(number_en("8,393,750"), Some(8_393_750.0));
        assert_eq!(number_en("1,500"), Some(1500.0));
        assert_eq!(number_en("0.14"), Some(0.14));
        assert_eq!(number_en("-7,319,415 kr."), Some(-7_319_415.0));
        let v = |t: &str, k| {
            read_as(t, k, true)
                .unwrap()
                .map(|v| v.to_string().trim().to_string())
        };
        assert_eq!(v("14.5", Kind::Percent).as_deref(), Some("0.145"));
        assert_eq!(
            v("1,000; 2,000", Kind::List).as_deref(),
            Some("[1000.0, 2000.0]")
        );
        assert_eq!(v("8,393,750", Kind::Amount).as_deref(), Some("8393750"));
    }

    #[test]
    fn typed_values_become_toml_values() {
        let v = |t: &str, k| {
            read(t, k)
                .unwrap()
                .map(|v| v.to_string().trim().to_string())
        };
        assert_eq!(v("14", Kind::Percent).as_deref(), Some("0.14"));
        assert_eq!(v("14,5 %", Kind::Percent).as_deref(), Some("0.145"));
        assert_eq!(v("25", Kind::Int).as_deref(), Some("25"));
        assert_eq!(v("25; 30", Kind::IntList).as_deref(), Some("[25, 30]"));
        assert_eq!(v("25, 30", Kind::IntList).as_deref(), Some("[25, 30]"));
        assert_eq!(v("-2,9; -2,3", Kind::List).as_deref(), Some("[-2.9, -2.3]"));
        assert_eq!(v("-2,9 -2,3", Kind::List).as_deref(), Some("[-2.9, -2.3]"));
        assert_eq!(v("", Kind::Number), None);
        assert_eq!(v("", Kind::List).as_deref(), Some("[]"));
        assert_eq!(v("ja", Kind::Bool).as_deref(), Some("true"));
        assert_eq!(v("", Kind::Amount).as_deref(), Some("0"));
        assert_eq!(v("8.393.750", Kind::Amount).as_deref(), Some("8393750"));
        assert_eq!(v("0,5", Kind::Amount).as_deref(), Some("0.5"));
        assert!(read("2,5", Kind::Int).unwrap_err().contains("whole number"));
        assert!(
            read("x", Kind::Number)
                .unwrap_err()
                .contains("expected a number, got x")
        );
        assert!(
            read("1; x", Kind::List)
                .unwrap_err()
                .contains("value 2 of the list")
        );
    }

    const FILE: &str = "# a hand-written file\ntitle = \"T\"   # the title\n\n[[intervention]]\nid = \"a\"\nsuccess_rate = { value = 0.14, source = \"seed 003\" }  # assumed\nparticipants = [25]       # per year\ncosts = { kommune = [100] }\n\n# the end\n";

    #[test]
    fn a_set_changes_the_value_only() {
        let out = apply_all(
            FILE,
            &[typed(serde_json::json!(["title"]), "Ny titel", "text")],
        )
        .unwrap();
        assert_eq!(out, FILE.replace("\"T\"", "\"Ny titel\""));
        let out = apply_all(
            FILE,
            &[typed(
                serde_json::json!(["intervention", 0, "success_rate"]),
                "20",
                "percent",
            )],
        )
        .unwrap();
        assert_eq!(out, FILE.replace("value = 0.14", "value = 0.2"));
        let out = apply_all(
            FILE,
            &[typed(
                serde_json::json!(["intervention", 0, "participants"]),
                "25; 30",
                "intlist",
            )],
        )
        .unwrap();
        assert_eq!(out, FILE.replace("[25]", "[25, 30]"));
    }

    #[test]
    fn tables_and_array_elements_are_created_on_the_way() {
        let out = apply_all(
            FILE,
            &[
                set(
                    serde_json::json!(["intervention", 0, "costs", "region", 1]),
                    serde_json::json!(50),
                ),
                set(
                    serde_json::json!(["settings", "discount_rate"]),
                    serde_json::json!(0.03),
                ),
                set(
                    serde_json::json!(["intervention", 0, "uncertainty", "success_rate"]),
                    serde_json::json!({"dist": "uniform", "min": 0.1, "max": 0.2}),
                ),
            ],
        )
        .unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(
            v["intervention"][0]["costs"]["region"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            v["intervention"][0]["costs"]["region"][1].as_integer(),
            Some(50)
        );
        assert_eq!(v["settings"]["discount_rate"].as_float(), Some(0.03));
        assert_eq!(
            v["intervention"][0]["uncertainty"]["success_rate"]["max"].as_float(),
            Some(0.2)
        );
        assert!(out.contains("[settings]"), "{out}");
        assert!(out.contains("[intervention.uncertainty]"), "{out}");
        assert!(out.starts_with("# a hand-written file\n"), "{out}");
        assert!(out.contains("# the end"), "{out}");
    }

    #[test]
    fn remove_and_append() {
        let rm: Edit = serde_json::from_value(
            serde_json::json!({"path": ["intervention", 0, "costs"], "op": "remove"}),
        )
        .unwrap();
        let add: Edit = serde_json::from_value(serde_json::json!({
            "path": ["intervention", 0, "consequence"], "op": "append",
            "value": {"item": "egen", "name": "Eget", "values": [1, 2]}
        }))
        .unwrap();
        let out = apply_all(FILE, &[rm, add]).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert!(v["intervention"][0].get("costs").is_none());
        assert_eq!(
            v["intervention"][0]["consequence"][0]["item"].as_str(),
            Some("egen")
        );
        assert!(out.contains("[[intervention.consequence]]"), "{out}");
        let blank = set(serde_json::json!(["title"]), serde_json::Value::Null);
        assert!(!apply_all(FILE, &[blank]).unwrap().contains("title"));
    }

    #[test]
    fn an_item_override_toggles_and_typed_appends() {
        let e = |j: serde_json::Value| -> Edit { serde_json::from_value(j).unwrap() };
        let out = apply_all(
            FILE,
            &[
                e(serde_json::json!({"path": ["intervention", 0, "consequence", {"item": "kontanthjaelp"}, "values"],
                    "text": "-2,9; -2,3", "kind": "list"})),
                e(serde_json::json!({"path": ["intervention", 0, "consequence", {"item": "kontanthjaelp"}, "fade"],
                    "value": false})),
                e(serde_json::json!({"path": ["intervention", 0, "exclude"], "op": "toggle", "value": "x"})),
                e(serde_json::json!({"path": ["intervention", 0, "exclude"], "op": "toggle", "value": "y"})),
                e(serde_json::json!({"path": ["intervention", 0, "exclude"], "op": "toggle", "value": "x"})),
                e(serde_json::json!({"path": ["intervention", 0, "consequence"], "op": "append", "fields": [
                    {"key": ["item"], "text": "egen", "kind": "text"},
                    {"key": ["values"], "text": "1; 2", "kind": "list"},
                    {"key": ["prices", "kommune"], "text": "1.000", "kind": "number"},
                    {"key": ["note"], "text": "", "kind": "text"}]})),
                e(serde_json::json!({"path": ["intervention", 0, "success_rate"],
                    "value": {"gross": 0.3, "counterfactual": 0.16}})),
            ],
        )
        .unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        let c = &v["intervention"][0]["consequence"];
        assert_eq!(c[0]["item"].as_str(), Some("kontanthjaelp"));
        assert_eq!(c[0]["values"][1].as_float(), Some(-2.3));
        assert_eq!(c[0]["fade"].as_bool(), Some(false));
        assert_eq!(c[1]["prices"]["kommune"].as_float(), Some(1000.0));
        assert!(c[1].get("note").is_none());
        assert_eq!(v["intervention"][0]["exclude"].as_array().unwrap().len(), 1);
        assert_eq!(v["intervention"][0]["exclude"][0].as_str(), Some("y"));
        // the new form of the success rate keeps the old one's source
        assert_eq!(
            v["intervention"][0]["success_rate"]["source"].as_str(),
            Some("seed 003")
        );
        assert_eq!(
            v["intervention"][0]["success_rate"]["gross"].as_float(),
            Some(0.3)
        );
    }

    #[test]
    fn an_appended_intervention_keeps_its_sub_tables_as_headers() {
        let add: Edit = serde_json::from_value(serde_json::json!({
            "path": ["intervention"], "op": "append",
            "value": {"id": "b", "consequence": [{"item": "x", "values": [1]}],
                      "uncertainty": {"costs": {"dist": "uniform", "min": 0.9, "max": 1.1}}}
        }))
        .unwrap();
        let out = apply_all(FILE, &[add]).unwrap();
        assert!(
            out.contains("[[intervention.consequence]]\nitem = \"x\""),
            "{out}"
        );
        assert!(
            out.contains("[intervention.uncertainty]\ncosts = {"),
            "{out}"
        );
        let v: toml::Value = toml::from_str(&out).unwrap();
        assert_eq!(
            v["intervention"][1]["consequence"][0]["item"].as_str(),
            Some("x")
        );
    }

    #[test]
    fn a_price_row_is_a_table_of_the_actors() {
        let e: Edit = serde_json::from_value(serde_json::json!({
            "path": ["intervention", 0, "consequence", {"item": "herberg"}, "prices"],
            "text": "1.000; 0; 250,5", "kind": "row", "keys": ["kommune", "region", "stat"]
        }))
        .unwrap();
        let out = apply_all(FILE, std::slice::from_ref(&e)).unwrap();
        let v: toml::Value = toml::from_str(&out).unwrap();
        let p = &v["intervention"][0]["consequence"][0]["prices"];
        assert_eq!(p["kommune"].as_integer(), Some(1000));
        assert_eq!(p["region"].as_integer(), Some(0));
        assert_eq!(p["stat"].as_float(), Some(250.5));
        let mut short = e;
        short.text = Some("1; 2".into());
        assert!(
            apply_all(FILE, &[short])
                .unwrap_err()
                .1
                .contains("expected 3 numbers")
        );
    }

    #[test]
    fn a_bad_edit_says_where() {
        let bad = set(serde_json::json!(["title", "x"]), serde_json::json!(1));
        assert_eq!(
            apply_all(FILE, &[bad]).unwrap_err(),
            (0, "title: not a table".into())
        );
        let bad = typed(
            serde_json::json!(["intervention", 0, "years"]),
            "two",
            "int",
        );
        assert!(apply_all(FILE, &[bad]).unwrap_err().1.contains("got two"));
        assert!(apply_all("a = ", &[]).is_err());
    }
}
