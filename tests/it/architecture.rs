//! The house rules, read from the source tree (in the spirit of ArchUnit):
//! which part may import which (ARCHITECTURE.md), and no import loops
//! between the files of `src/`.
//!
//! An import is a path into the crate a file names: `use crate::…`,
//! `use super::…`, or such a path written inline. A module's file naming its
//! own child modules (mounting their routes, re-exporting them) is the
//! module tree, not an import, and test modules (`#[cfg(test)]`) may use
//! anything. Comments and string literals are not read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where a file sits in the module tree: `src/web/users.rs` is `web::users`,
/// `src/web/mod.rs` is `web`, `src/lib.rs` is the root.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    match last.as_str() {
        "lib.rs" | "main.rs" | "mod.rs" => {}
        other => parts.push(other.trim_end_matches(".rs").to_string()),
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments, string and char literals, and test modules.
fn code_of(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !is_ident(b.get(i.wrapping_sub(1)))
        {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1f}') or a lifetime ('a).
            if b.get(i + 1) == Some(&'\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    without_test_modules(&out)
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `#[cfg(test)] mod x { … }` removed.
fn without_test_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find('{') else {
            break;
        };
        if !after[..open].contains("mod ") {
            out.push_str("#[cfg(test)]");
            rest = &after["#[cfg(test)]".len()..];
            continue;
        }
        let mut depth = 0;
        let mut end = after.len();
        for (k, ch) in after[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path a use-tree names, expanded: `a::{b, c::{d, self}}` gives
/// `a::b`, `a::c::d` and `a::c`.
fn expand(tree: &str) -> Vec<String> {
    // One space where there was any, none around the punctuation: `a as b`
    // keeps its spaces, `a :: { b , c }` loses them.
    let mut tree = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in ["::", "{", "}", ","] {
        tree = tree
            .replace(&format!(" {p}"), p)
            .replace(&format!("{p} "), p);
    }
    fn go(prefix: &str, tree: &str, out: &mut Vec<String>) {
        match tree.find('{') {
            None => {
                let path = tree.split(" as ").next().unwrap_or(tree);
                let full = match (prefix.is_empty(), path) {
                    (_, "self") => prefix.trim_end_matches("::").to_string(),
                    (true, p) => p.to_string(),
                    (false, p) => format!("{prefix}{p}"),
                };
                out.push(full);
            }
            Some(open) => {
                let head = &tree[..open];
                let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
                let mut depth = 0;
                let mut start = 0;
                let mut items = vec![];
                for (k, ch) in inner.char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            items.push(&inner[start..k]);
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                items.push(&inner[start..]);
                for item in items.into_iter().filter(|i| !i.is_empty()) {
                    go(&format!("{prefix}{head}"), item, out);
                }
            }
        }
    }
    let mut out = vec![];
    go("", &tree, &mut out);
    out
}

/// The paths into the crate that `code` names, as written.
fn paths_in(code: &str) -> Vec<String> {
    let mut paths = vec![];
    // `use` statements, with their trees.
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if is_ident(before.as_ref()) {
            continue;
        }
        let end = rest.find(';').unwrap_or(rest.len());
        let tree = &rest[..end];
        if tree.starts_with("crate::") || tree.starts_with("super::") || tree.starts_with("self::")
        {
            paths.extend(expand(tree));
        }
        rest = &rest[end..];
    }
    // Paths written inline.
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            if code[..at].ends_with('$') || is_ident(code[..at].chars().last().as_ref()) {
                continue;
            }
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            paths.push(path.trim_end_matches(':').to_string());
        }
    }
    paths
}

/// The file a path leads to: the deepest module of the tree it names
/// (`super` is the parent of the file's module, `self` the module itself).
fn resolve(
    path: &str,
    here: &[String],
    modules: &BTreeMap<Vec<String>, PathBuf>,
) -> Option<Vec<String>> {
    let mut segs = path.split("::").filter(|s| !s.is_empty()).peekable();
    let mut base: Vec<String> = match segs.next()? {
        "crate" => vec![],
        "self" => here.to_vec(),
        "super" => here[..here.len().checked_sub(1)?].to_vec(),
        _ => return None,
    };
    while segs.peek() == Some(&"super") {
        segs.next();
        base.pop();
    }
    let mut best = base.clone();
    for seg in segs {
        base.push(seg.to_string());
        if modules.contains_key(&base) {
            best = base.clone();
        } else {
            break;
        }
    }
    Some(best)
}

struct House {
    /// file module → the modules it imports (not itself, not its children).
    imports: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
    files: BTreeMap<Vec<String>, PathBuf>,
    code: BTreeMap<Vec<String>, String>,
}

fn house() -> House {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    files.retain(|f| !f.ends_with("main.rs"));
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_of(&src, f), f.clone()))
        .collect();
    let mut imports = BTreeMap::new();
    let mut code_map = BTreeMap::new();
    for (module, file) in &modules {
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        let mut targets = BTreeSet::new();
        for path in paths_in(&code) {
            let Some(target) = resolve(&path, module, &modules) else {
                continue;
            };
            // Itself, or one of its own children: the module tree.
            if target.starts_with(module) {
                continue;
            }
            targets.insert(target);
        }
        imports.insert(module.clone(), targets);
        code_map.insert(module.clone(), code);
    }
    House {
        imports,
        files: modules,
        code: code_map,
    }
}

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "lib.rs".to_string()
    } else {
        module.join("::")
    }
}

/// The part of the house a module belongs to (`web`, `domain`, …; `root`
/// for lib.rs and the small top-level files).
fn part(module: &[String]) -> &str {
    module.first().map_or("root", String::as_str)
}

#[test]
fn the_parts_import_only_what_they_may() {
    let house = house();
    // part → the parts it must not import.
    let forbidden: &[(&str, &[&str])] = &[
        ("web", &["api"]),
        ("api", &["web"]),
        ("domain", &["web", "api", "http", "jobs", "root"]),
        ("http", &["web", "api", "jobs"]),
        ("jobs", &["web", "api", "http"]),
        ("db", &["domain", "web", "api", "http", "jobs", "i18n"]),
        ("i18n", &["domain", "db", "web", "api", "http", "jobs"]),
        ("error", &["web", "api", "http", "jobs"]),
    ];
    let mut broken = vec![];
    for (module, targets) in &house.imports {
        for target in targets {
            // `crate::AppState` and the like: items of lib.rs itself.
            let to = if target.is_empty() {
                "root"
            } else {
                part(target)
            };
            for (from, banned) in forbidden {
                if part(module) == *from && banned.contains(&to) {
                    broken.push(format!("{} imports {}", name(module), name(target)));
                }
            }
        }
    }
    // Neither the domain nor the error type knows actix.
    for (module, code) in &house.code {
        if ["domain", "error", "i18n", "db"].contains(&part(module)) && code.contains("actix") {
            broken.push(format!("{} uses actix", name(module)));
        }
    }
    assert!(
        broken.is_empty(),
        "forbidden imports:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_import_loops_between_files() {
    let house = house();
    // Tarjan's strongly connected components.
    struct State<'a> {
        graph: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        loops: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let Some((w, _)) = graph.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[w].min(s.low[v]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.index[w].min(s.low[v]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = vec![];
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack.remove(w);
                component.push(name(w));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.loops.push(component);
            }
        }
    }
    let mut s = State {
        graph: &house.imports,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: vec![],
        on_stack: BTreeSet::new(),
        next: 0,
        loops: vec![],
    };
    for v in house.imports.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    assert!(
        s.loops.is_empty(),
        "files that import each other in a loop: {:?}",
        s.loops
    );
    assert!(house.files.len() > 50, "the tree was read");
}

#[test]
fn the_reader_sees_what_it_should() {
    // The parser itself: a forbidden import it must catch, and what it must
    // not mistake for one.
    let code = code_of(
        "use crate::web::{extract::{Member, ClientIp}, render};\n\
         // use crate::support::api::nothing;\n\
         let s = \"crate::api::not_a_path\";\n\
         let c = '\"'; let t = crate::domain::x::y();\n\
         use crate::password::{Lane as L, self};\n\
         #[cfg(test)]\nmod tests { use crate::support::api::anything; }\n",
    );
    let paths = paths_in(&code);
    assert!(
        paths.contains(&"crate::web::extract::Member".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"crate::web::render".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"crate::domain::x::y".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"crate::password::Lane".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"crate::password".to_string()), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("api")), "{paths:?}");
}
