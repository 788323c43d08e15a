//! Modules: what a subscription entitles an organisation to. Core (login,
//! settings, locations, the subscription itself, the audit log) is always
//! on and is not a module; every operation of the catalogue names the module
//! it belongs to (`Operation::module`), and the one permission check
//! (`Actor::require`) refuses an operation whose module is off.

use std::fmt;

/// A module an organisation may or may not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    /// Meetings and the week view.
    Meetings,
    /// Customers and their contacts.
    Customers,
    /// API clients, tokens and the `/api/v1` door.
    Api,
    /// Webhooks (reserved for the webhooks issue).
    Webhooks,
}

impl Module {
    /// Every module, in the order screens show them.
    pub const ALL: [Module; 4] = [
        Module::Meetings,
        Module::Customers,
        Module::Api,
        Module::Webhooks,
    ];

    /// The stored and API name (`meetings`).
    pub fn as_str(self) -> &'static str {
        match self {
            Module::Meetings => "meetings",
            Module::Customers => "customers",
            Module::Api => "api",
            Module::Webhooks => "webhooks",
        }
    }

    /// Parse a stored or API name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The module's name on screens.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        let t = lang.t();
        match self {
            Module::Meetings => t.module_meetings,
            Module::Customers => t.module_customers,
            Module::Api => t.module_api,
            Module::Webhooks => t.module_webhooks,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of modules (small and `Copy`: it rides along with every actor).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Modules(u8);

impl Modules {
    /// No module.
    pub const NONE: Modules = Modules(0);

    /// Every module.
    pub const ALL: Modules = Modules(0b1111);

    /// Every module.
    pub fn all() -> Self {
        Self::ALL
    }

    /// Does the set hold `m`?
    pub fn has(self, m: Module) -> bool {
        self.0 & m.bit() != 0
    }

    /// The set with `m` added.
    pub fn with(self, m: Module) -> Self {
        Modules(self.0 | m.bit())
    }

    /// The set without `m`.
    pub fn without(self, m: Module) -> Self {
        Modules(self.0 & !m.bit())
    }

    /// Both sets together.
    pub fn union(self, other: Modules) -> Self {
        Modules(self.0 | other.0)
    }

    /// Modules of `self` that `other` lacks.
    pub fn minus(self, other: Modules) -> Self {
        Modules(self.0 & !other.0)
    }

    /// No module at all.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The modules, in [`Module::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Module> {
        Module::ALL.into_iter().filter(move |m| self.has(*m))
    }

    /// The stored form: names separated by single spaces, in order.
    pub fn to_stored(self) -> String {
        self.iter()
            .map(Module::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Read the stored form; unknown names are skipped (a module removed
    /// from the code entitles to nothing).
    pub fn from_stored(s: &str) -> Self {
        s.split_whitespace().filter_map(Module::parse).collect()
    }

    /// Parse a list of names strictly (API input): the unknown ones are
    /// returned as the error.
    pub fn parse_all<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Self, Vec<String>> {
        let mut set = Modules::NONE;
        let mut unknown = Vec::new();
        for n in names {
            match Module::parse(n) {
                Some(m) => set = set.with(m),
                None => unknown.push(n.to_string()),
            }
        }
        if unknown.is_empty() {
            Ok(set)
        } else {
            Err(unknown)
        }
    }
}

impl FromIterator<Module> for Modules {
    fn from_iter<I: IntoIterator<Item = Module>>(iter: I) -> Self {
        iter.into_iter().fold(Modules::NONE, Modules::with)
    }
}

impl fmt::Debug for Modules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        let set = Modules::NONE.with(Module::Api).with(Module::Meetings);
        assert_eq!(set.to_stored(), "meetings api");
        assert_eq!(Modules::from_stored(" api  meetings nope"), set);
        assert_eq!(Modules::from_stored(""), Modules::NONE);
        assert_eq!(Modules::all().iter().count(), Module::ALL.len());
        assert_eq!(Modules::ALL, Module::ALL.into_iter().collect::<Modules>());
        assert!(!set.without(Module::Api).has(Module::Api));
        assert_eq!(Modules::all().minus(set).to_stored(), "customers webhooks");
        assert_eq!(
            Modules::parse_all(["api", "x"]).unwrap_err(),
            vec!["x".to_string()]
        );
    }
}
