//! Writes `ui/src/generated/bindings.ts`: every type the commands and events use (found by
//! walking them from [`crate::COMMANDS`] and [`crate::EVENTS`]), the `Commands` and `Events`
//! maps, and the values of every string enumeration, so the UI offers exactly the legal choices.
//!
//! The output depends only on the Rust types: declarations are sorted by name and ts-rs runs with
//! its default configuration (not the environment's).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use relay_core::presence::Intent;
use ts_rs::{Config, TypeVisitor, TS};

/// Where the generated file lives, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/generated/bindings.ts";

/// The command that rewrites [`BINDINGS_PATH`].
pub const REGENERATE: &str = "UPDATE_BINDINGS=1 cargo test -p relay-api --test bindings";

/// Collects the declarations of every named type reachable from the roots it is shown.
pub struct TypeCollector {
    config: Config,
    seen: HashSet<TypeId>,
    /// Name -> `export type Name = …;` with its doc comment.
    declarations: BTreeMap<String, String>,
    /// Name -> values, for enumerations whose every variant is a string.
    string_unions: BTreeMap<String, Vec<String>>,
}

impl TypeCollector {
    fn new() -> Self {
        Self {
            config: Config::new(),
            seen: HashSet::new(),
            declarations: BTreeMap::new(),
            string_unions: BTreeMap::new(),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn visit_root<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl std::fmt::Debug for TypeCollector {
    // ts-rs's `Config` has no Debug; what was collected is what matters.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypeCollector")
            .field("declarations", &self.declarations.keys())
            .finish_non_exhaustive()
    }
}

impl TypeVisitor for TypeCollector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only types with a declaration of their own have an output path; wrappers such as
        // `Option<T>` and `Vec<T>` are seen through below.
        if T::output_path().is_some() {
            if !self.seen.insert(TypeId::of::<T>()) {
                return;
            }
            let name = T::ident(&self.config);
            let mut text = T::docs().unwrap_or_default();
            text.push_str("export ");
            text.push_str(&T::decl(&self.config));
            if let Some(values) = string_literals(&T::inline(&self.config)) {
                self.string_unions.insert(name.clone(), values);
            }
            if let Some(previous) = self.declarations.insert(name.clone(), text) {
                // Two Rust types with one TypeScript name would silently overwrite each other.
                panic!("two Rust types are both named {name} in TypeScript: {previous}");
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The values of a union of string literals (`"a" | "b"`), or `None` for any other type.
fn string_literals(inline: &str) -> Option<Vec<String>> {
    inline
        .split(" | ")
        .map(|part| serde_json::from_str::<String>(part.trim()).ok())
        .collect()
}

/// `WriteMode` -> `WRITE_MODE`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (index, c) in name.char_indices() {
        if c.is_ascii_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A doc comment at `indent`, from `///` lines joined by newlines.
pub(crate) fn doc_comment(doc: &str, indent: &str) -> String {
    let mut out = format!("{indent}/**\n");
    for line in doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        out.push_str(indent);
        out.push_str(" *");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(" */\n");
    out
}

fn json_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values
        .into_iter()
        .map(|value| format!("{value:?}"))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The whole generated file.
pub fn generate() -> String {
    let mut types = TypeCollector::new();
    let commands = crate::commands::commands_ts(&mut types);
    let events = crate::commands::events_ts(&mut types);
    // Every command rejects with this; it appears in no signature, so name it as a root.
    types.visit_root::<crate::UiError>();

    let mut out = format!(
        "// Generated from the Rust types in src-tauri/crates/relay-api: do not edit.\n\
         // Regenerate with `{REGENERATE}` (run from the repository root).\n\n"
    );
    for declaration in types.declarations.values() {
        out.push_str(declaration);
        out.push_str("\n\n");
    }
    out.push_str(&commands);
    out.push('\n');
    out.push_str(&events);
    out.push('\n');
    out.push_str(&format!(
        "/** Every command name, for checks that a backend implements them all. */\n\
         export const COMMAND_NAMES: readonly (keyof Commands)[] = {};\n\n",
        json_list(crate::COMMANDS.iter().map(|command| command.name))
    ));
    for (name, values) in &types.string_unions {
        out.push_str(&format!(
            "/** Every `{name}`, in declaration order. */\nexport const {}_VALUES: readonly {name}[] = {};\n\n",
            screaming_snake(name),
            json_list(values.iter().map(String::as_str))
        ));
    }
    let polite = Intent::ALL
        .into_iter()
        .filter(|intent| intent.has_session_pair() || *intent == Intent::Release)
        .map(Intent::as_str);
    out.push_str(&format!(
        "/** The intents a `polite` action may use (the others exist only as a user-preferred presence, so need `assertive`). */\n\
         export const POLITE_INTENTS: readonly Intent[] = {};\n",
        json_list(polite)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_unions_are_recognised_and_nothing_else() {
        assert_eq!(
            string_literals(r#""a" | "b_c""#),
            Some(vec!["a".to_owned(), "b_c".to_owned()])
        );
        assert_eq!(string_literals(r#""all" | Array<string>"#), None);
        assert_eq!(string_literals("{ kind: \"x\" }"), None);
    }

    #[test]
    fn names_become_screaming_snake_case() {
        assert_eq!(screaming_snake("WriteMode"), "WRITE_MODE");
        assert_eq!(screaming_snake("Intent"), "INTENT");
    }

    #[test]
    fn doc_comments_keep_their_lines() {
        assert_eq!(
            doc_comment(" One.\n Two.\n", "  "),
            "  /**\n   * One.\n   * Two.\n   */\n"
        );
    }
}
