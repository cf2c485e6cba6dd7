//! # sterk-i18n: the interface in Dutch (nl-BE), French and English
//!
//! The Fluent files in `locales/` are embedded in the binary. [`I18n`] holds one bundle per
//! language; [`I18n::t`] looks a message up and falls back to Dutch, then to the key itself,
//! so a missing translation never breaks a page (and the test `every_key_in_every_language`
//! fails the build first).
//!
//! Dutch is the default language. Domain words that are Dutch names (leefloon, knelpunt,
//! krachtlijn) stay Dutch in every language.
#![warn(missing_docs)]

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::HashMap;

/// The languages of the interface, default first.
pub const LANGUAGES: [Lang; 3] = [Lang::Nl, Lang::Fr, Lang::En];

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Dutch (Belgium), the default.
    #[default]
    Nl,
    /// French.
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The ISO code used in URLs, cookies and `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
    /// The BCP 47 tag for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl-BE",
            Lang::Fr => "fr-BE",
            Lang::En => "en",
        }
    }
    /// The language's own name, for the language switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Nl => "Nederlands",
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }
    /// Parses a code (`nl`, `nl-BE`, `fr`, …).
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nl" => Some(Lang::Nl),
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// Picks the best language from an `Accept-Language` header, in the header's order.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut options: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        options.sort_by(|a, b| b.0.total_cmp(&a.0));
        options.first().map(|o| o.1)
    }
}

const SOURCES: [(Lang, &str); 3] = [
    (Lang::Nl, include_str!("../locales/nl.ftl")),
    (Lang::Fr, include_str!("../locales/fr.ftl")),
    (Lang::En, include_str!("../locales/en.ftl")),
];

/// The translation bundles of all languages.
pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    public: HashMap<PublicLang, FluentBundle<FluentResource>>,
}

/// The languages of the public solidarity forms (help request, volunteer sign-up): the three
/// interface languages and also Turkish and Arabic, the largest other language groups among
/// the people Sterk's organisations reach. Turkish and Arabic hold only the keys of those
/// forms (see [`PUBLIC_PREFIXES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PublicLang {
    /// One of the interface languages.
    Ui(Lang),
    /// Turkish.
    Tr,
    /// Arabic (right to left).
    Ar,
}

/// Key prefixes the public forms use; Turkish and Arabic must hold every Dutch key with one
/// of these prefixes (a test checks).
pub const PUBLIC_PREFIXES: [&str; 5] = [
    "solidarity-public-",
    "solidarity-kind-",
    "solidarity-day-",
    "solidarity-part-",
    "lang-",
];

const PUBLIC_SOURCES: [(PublicLang, &str); 2] = [
    (PublicLang::Tr, include_str!("../locales/tr.ftl")),
    (PublicLang::Ar, include_str!("../locales/ar.ftl")),
];

impl PublicLang {
    /// All five, in the order of the language links.
    pub const ALL: [PublicLang; 5] = [
        PublicLang::Ui(Lang::Nl),
        PublicLang::Ui(Lang::Fr),
        PublicLang::Ui(Lang::En),
        PublicLang::Tr,
        PublicLang::Ar,
    ];
    /// Short code (`?lang=`).
    pub fn code(self) -> &'static str {
        match self {
            PublicLang::Ui(l) => l.code(),
            PublicLang::Tr => "tr",
            PublicLang::Ar => "ar",
        }
    }
    /// BCP 47 tag for `lang=`.
    pub fn tag(self) -> &'static str {
        match self {
            PublicLang::Ui(l) => l.tag(),
            PublicLang::Tr => "tr",
            PublicLang::Ar => "ar",
        }
    }
    /// The language's own name.
    pub fn own_name(self) -> &'static str {
        match self {
            PublicLang::Ui(l) => l.own_name(),
            PublicLang::Tr => "Türkçe",
            PublicLang::Ar => "العربية",
        }
    }
    /// Writing direction for `dir=`.
    pub fn dir(self) -> &'static str {
        if self == PublicLang::Ar { "rtl" } else { "ltr" }
    }
    /// Parses `nl`, `fr`, `en`, `tr` or `ar`.
    pub fn parse(code: &str) -> Option<PublicLang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "tr" => Some(PublicLang::Tr),
            "ar" => Some(PublicLang::Ar),
            other => Lang::parse(other).map(PublicLang::Ui),
        }
    }
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("languages", &self.bundles.len())
            .finish()
    }
}

/// A problem in a Fluent file (found by tests and at start-up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtlProblem {
    /// Language.
    pub lang: &'static str,
    /// What is wrong.
    pub message: String,
}

impl I18n {
    /// Loads the embedded Fluent files. Syntax errors are returned beside the bundles (the
    /// messages that parsed are still usable).
    pub fn load() -> (I18n, Vec<FtlProblem>) {
        let mut bundles = HashMap::new();
        let mut problems = Vec::new();
        for (lang, source) in SOURCES {
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    problems.extend(errors.iter().map(|e| FtlProblem {
                        lang: lang.code(),
                        message: format!("{e:?}"),
                    }));
                    r
                }
            };
            let langid = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // No Unicode isolation marks around arguments: they show up in plain-text
            // exports and confuse screen readers more than they help here.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                problems.extend(errors.iter().map(|e| FtlProblem {
                    lang: lang.code(),
                    message: format!("{e:?}"),
                }));
            }
            bundles.insert(lang, bundle);
        }
        let mut public = HashMap::new();
        for (lang, source) in PUBLIC_SOURCES {
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    problems.extend(errors.iter().map(|e| FtlProblem {
                        lang: lang.code(),
                        message: format!("{e:?}"),
                    }));
                    r
                }
            };
            let langid = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                problems.extend(errors.iter().map(|e| FtlProblem {
                    lang: lang.code(),
                    message: format!("{e:?}"),
                }));
            }
            public.insert(lang, bundle);
        }
        (I18n { bundles, public }, problems)
    }

    /// The message `key` in `lang`, falling back to Dutch, then to the key.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, None)
    }

    /// The message `key` with arguments.
    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(lang, key, Some(&fa))
    }

    /// Translates `key` for a public form in `lang` (Turkish and Arabic from their own files,
    /// falling back to English; the others as [`I18n::t_args`]).
    pub fn t_public(
        &self,
        lang: PublicLang,
        key: &str,
        args: &[(&str, FluentValue<'_>)],
    ) -> String {
        let PublicLang::Ui(ui) = lang else {
            if let Some(bundle) = self.public.get(&lang)
                && let Some(pattern) = bundle.get_message(key).and_then(|m| m.value())
            {
                let mut fa = FluentArgs::new();
                for (k, v) in args {
                    fa.set(*k, v.clone());
                }
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, Some(&fa), &mut errors)
                    .into_owned();
            }
            return self.t_args(Lang::En, key, args);
        };
        self.t_args(ui, key, args)
    }

    /// Keys of a public-form language file (Turkish, Arabic).
    pub fn public_keys(lang: PublicLang) -> Vec<String> {
        let source = PUBLIC_SOURCES
            .iter()
            .find(|s| s.0 == lang)
            .map(|s| s.1)
            .unwrap_or("");
        source
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('.'))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.is_empty())
            .collect()
    }

    /// Whether `key` exists in `lang`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles.get(&lang).is_some_and(|b| b.has_message(key))
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        for l in [lang, Lang::Nl] {
            if let Some(bundle) = self.bundles.get(&l)
                && let Some(pattern) = bundle.get_message(key).and_then(|m| m.value())
            {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        key.to_owned()
    }

    /// The message keys defined in a language's file (for completeness tests).
    pub fn keys(lang: Lang) -> Vec<String> {
        let source = SOURCES
            .iter()
            .find(|s| s.0 == lang)
            .map(|s| s.1)
            .unwrap_or("");
        source
            .lines()
            .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('.'))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .filter(|k| !k.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_key_in_every_language() {
        let (_, problems) = I18n::load();
        assert!(problems.is_empty(), "Fluent syntax problems: {problems:?}");
        let nl: BTreeSet<String> = I18n::keys(Lang::Nl).into_iter().collect();
        assert!(nl.len() > 50, "the Dutch file holds the interface");
        for lang in [Lang::Fr, Lang::En] {
            let other: BTreeSet<String> = I18n::keys(lang).into_iter().collect();
            let missing: Vec<_> = nl.difference(&other).collect();
            let extra: Vec<_> = other.difference(&nl).collect();
            assert!(missing.is_empty(), "{} is missing {missing:?}", lang.code());
            assert!(
                extra.is_empty(),
                "{} has keys Dutch lacks: {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn turkish_and_arabic_cover_the_public_forms() {
        let (i18n, problems) = I18n::load();
        assert!(problems.is_empty(), "{problems:?}");
        let nl: BTreeSet<String> = I18n::keys(Lang::Nl).into_iter().collect();
        let needed: BTreeSet<&String> = nl
            .iter()
            .filter(|k| PUBLIC_PREFIXES.iter().any(|p| k.starts_with(p)))
            .collect();
        assert!(
            needed.len() > 30,
            "the public forms have their keys: {}",
            needed.len()
        );
        for lang in [PublicLang::Tr, PublicLang::Ar] {
            let have: BTreeSet<String> = I18n::public_keys(lang).into_iter().collect();
            let missing: Vec<_> = needed.iter().filter(|k| !have.contains(**k)).collect();
            assert!(missing.is_empty(), "{} is missing {missing:?}", lang.code());
            let extra: Vec<_> = have.iter().filter(|k| !nl.contains(*k)).collect();
            assert!(
                extra.is_empty(),
                "{} has keys Dutch lacks: {extra:?}",
                lang.code()
            );
        }
        assert_eq!(PublicLang::parse("AR").map(PublicLang::dir), Some("rtl"));
        assert_ne!(
            i18n.t_public(PublicLang::Tr, "solidarity-public-help-title", &[]),
            i18n.t(Lang::Nl, "solidarity-public-help-title")
        );
    }

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language("fr-BE,fr;q=0.9,nl;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("de-DE, en;q=0.5, nl;q=0.7"),
            Some(Lang::Nl)
        );
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn falls_back_to_dutch_then_to_the_key() {
        let (i18n, _) = I18n::load();
        assert_eq!(i18n.t(Lang::Fr, "no-such-key"), "no-such-key");
        assert!(!i18n.t(Lang::Fr, "app-name").is_empty());
    }
}
