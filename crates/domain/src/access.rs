//! Roles, actors and the one authorization function.
//!
//! **Architecture Invariant:** every decision whether someone may do something goes through
//! [`authorize`]. It denies by default: an action is allowed only when a rule below names the
//! role and the resource's scope explicitly. Client data is only ever visible to members of
//! the organisation that recorded it; no platform role (chair, coordinator, admin) can read it.

use serde::{Deserialize, Serialize};

/// A database identifier of an organisation.
pub type OrgId = i64;
/// A database identifier of a regional platform (or the Flemish platform).
pub type PlatformId = i64;
/// A database identifier of an account.
pub type AccountId = i64;

/// A role an account holds. Member roles are held *in* an organisation; chair roles in a
/// regional platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sociaal werker: client records, rights checks, help requests, signals.
    SocialWorker,
    /// Organisatie-beheerder: accounts, audit, consents and figures of one organisation.
    OrgAdmin,
    /// Vrijwilligerscoördinator / buurtwerker: volunteers and matching for one organisation.
    VolunteerCoordinator,
    /// Vrijwilliger: their own profile and matches.
    Volunteer,
    /// Regionale voorzitter: chair of one regional platform.
    RegionalChair,
    /// Platform-coördinator of the Flemish platform.
    PlatformCoordinator,
    /// Technical administrator of the installation.
    Admin,
}

impl Role {
    /// All roles, in the order the interface lists them.
    pub const ALL: [Role; 7] = [
        Role::SocialWorker,
        Role::OrgAdmin,
        Role::VolunteerCoordinator,
        Role::Volunteer,
        Role::RegionalChair,
        Role::PlatformCoordinator,
        Role::Admin,
    ];

    /// The stable code stored in the database and used as translation key `role-<code>`.
    pub fn code(self) -> &'static str {
        match self {
            Role::SocialWorker => "social_worker",
            Role::OrgAdmin => "org_admin",
            Role::VolunteerCoordinator => "volunteer_coordinator",
            Role::Volunteer => "volunteer",
            Role::RegionalChair => "regional_chair",
            Role::PlatformCoordinator => "platform_coordinator",
            Role::Admin => "admin",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Result<Role, &'static str> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code.trim())
            .ok_or("choice_invalid")
    }

    /// Whether this role is held as a member of an organisation.
    pub fn is_member_role(self) -> bool {
        matches!(
            self,
            Role::SocialWorker | Role::OrgAdmin | Role::VolunteerCoordinator | Role::Volunteer
        )
    }
}

/// Who is acting: an account with its role and scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The account.
    pub account: AccountId,
    /// Its role.
    pub role: Role,
    /// The organisation it belongs to, for member roles.
    pub org: Option<OrgId>,
    /// The regional platform it chairs, for [`Role::RegionalChair`].
    pub platform: Option<PlatformId>,
}

/// What an actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the list of an organisation's clients.
    ListClients,
    /// Open one client record.
    ViewClient,
    /// Record a new client.
    CreateClient,
    /// Change a client record (also household and contact data).
    UpdateClient,
    /// Record or withdraw a consent.
    ManageConsent,
    /// Export everything Sterk holds about a client (subject access).
    ExportClient,
    /// Erase a client's personal data.
    EraseClient,
    /// Read the audit trail.
    ViewAudit,
    /// Create accounts, reset passwords, deactivate accounts.
    ManageAccounts,
    /// See an organisation's public profile.
    ViewOrganisation,
    /// Create an organisation.
    CreateOrganisation,
    /// Change an organisation's profile.
    UpdateOrganisation,
    /// See a regional platform's internal pages.
    ViewPlatform,
    /// Manage a regional platform (meetings, actions, reports).
    ManagePlatform,
    /// Use the API with one's own tokens.
    ManageOwnTokens,
    /// See figures: exact ones of the own organisation (`Org`), or aggregated ones with small
    /// cells hidden (`Platform`, `Installation`).
    ViewFigures,
    /// Solidarity: help requests, volunteers, matching, network strength, the fund.
    ManageSolidarity,
    /// Submit and change the good practices of an organisation.
    SubmitPractice,
    /// Review (publish or send back) the practices submitted in a regional platform.
    ReviewPractice,
    /// Create events of a platform, build their programme and see their registrations.
    ManageEvents,
    /// Record the progress of an initiative of the action plan (the Flemish plan's
    /// initiatives, resource `Platform(1)`, or a regional platform's own).
    UpdatePlanProgress,
    /// Register a signal for one's organisation and see its signals (signals module).
    RegisterSignal,
    /// See dossiers, bundling suggestions and signal figures (de-identified data only).
    ViewDossiers,
    /// Bundle signals into a dossier: a worker for their organisation, a chair for their
    /// region, the platform coordinator across regions.
    BundleSignals,
    /// Move a dossier through its states, write analysis and proposals (its trekker's
    /// organisation, the chair of its region, the platform coordinator).
    ManageDossier,
    /// Check and sign the four criteria of a dossier.
    ReviewDossier,
    /// Co-sign a dossier in the name of one's organisation.
    CosignDossier,
    /// Comment on (or, for an armoedevereniging, validate) a dossier.
    CommentDossier,
    /// Forward a regional dossier to the Flemish platform.
    ForwardDossier,
    /// Record a policy response on a dossier.
    RecordResponse,
    /// Fill in and read the organisation's diversity self-assessment.
    ManageDiversity,
    /// A volunteer's own volunteering: their profile, pausing or leaving, and answering the
    /// matches proposed to them (resource [`Resource::OwnAccount`]).
    OwnVolunteering,
}

impl Action {
    /// All actions, for test matrices.
    pub const ALL: [Action; 32] = [
        Action::ListClients,
        Action::RegisterSignal,
        Action::ViewDossiers,
        Action::BundleSignals,
        Action::ManageDossier,
        Action::ReviewDossier,
        Action::CosignDossier,
        Action::CommentDossier,
        Action::ForwardDossier,
        Action::RecordResponse,
        Action::ViewClient,
        Action::CreateClient,
        Action::UpdateClient,
        Action::UpdatePlanProgress,
        Action::ManageConsent,
        Action::ExportClient,
        Action::EraseClient,
        Action::ViewAudit,
        Action::ManageAccounts,
        Action::ViewOrganisation,
        Action::SubmitPractice,
        Action::ReviewPractice,
        Action::ManageEvents,
        Action::CreateOrganisation,
        Action::UpdateOrganisation,
        Action::ManageSolidarity,
        Action::ViewPlatform,
        Action::ManagePlatform,
        Action::ManageOwnTokens,
        Action::ViewFigures,
        Action::ManageDiversity,
        Action::OwnVolunteering,
    ];
}

/// What the action is done on: the scope that decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Resource {
    /// Something that belongs to one organisation (its clients, audit, accounts, profile).
    Org(OrgId),
    /// A regional platform (or the Flemish platform).
    Platform(PlatformId),
    /// The installation as a whole (creating organisations, the list of all of them).
    Installation,
    /// The actor's own account.
    OwnAccount,
}

/// Why an action was refused; the web layer shows it as a translated 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden")]
pub struct Denied;

/// Decides whether `actor` may do `action` on `resource`. Deny by default.
pub fn authorize(actor: &Actor, action: Action, resource: Resource) -> Result<(), Denied> {
    use Action as A;
    use Resource as R;
    use Role::*;

    let own_org = |r: Resource| matches!(r, R::Org(id) if actor.org == Some(id));
    let own_platform = |r: Resource| matches!(r, R::Platform(id) if actor.platform == Some(id));

    let allowed = match (actor.role, action) {
        // Everyone may manage their own API tokens and read organisation profiles.
        (_, A::ManageOwnTokens) => matches!(resource, R::OwnAccount),
        (_, A::ViewOrganisation) => matches!(resource, R::Org(_)),
        // A volunteer with an account (of the organisation that registered them) manages their
        // own volunteering; never anyone else's.
        (Volunteer, A::OwnVolunteering) => matches!(resource, R::OwnAccount) && actor.org.is_some(),

        // Client data: only members of the recording organisation who work with clients.
        (
            SocialWorker | OrgAdmin | VolunteerCoordinator,
            A::ListClients | A::ViewClient | A::CreateClient | A::UpdateClient | A::ManageConsent,
        ) => own_org(resource),
        // Subject access and erasure are decisions of the organisation's administrator.
        (OrgAdmin, A::ExportClient | A::EraseClient) => own_org(resource),
        // Solidarity work is done by the people who work with clients and volunteers.
        (SocialWorker | OrgAdmin | VolunteerCoordinator, A::ManageSolidarity) => own_org(resource),
        (OrgAdmin, A::ViewAudit | A::ManageAccounts | A::UpdateOrganisation) => own_org(resource),

        // The installation's administrator creates organisations and their first accounts,
        // and reads the installation-wide audit, but never client data.
        (Admin, A::CreateOrganisation) => matches!(resource, R::Installation),
        (Admin, A::UpdateOrganisation | A::ManageAccounts) => matches!(resource, R::Org(_)),
        (Admin, A::ViewAudit) => matches!(resource, R::Installation),
        (Admin, A::ViewPlatform) => true,

        // Figures: exact for the own organisation's members; aggregated (small cells hidden)
        // for everyone who works in the field or the platforms.
        (SocialWorker | OrgAdmin | VolunteerCoordinator, A::ViewFigures) => {
            own_org(resource) || matches!(resource, R::Platform(_) | R::Installation)
        }
        (RegionalChair | PlatformCoordinator | Admin, A::ViewFigures) => {
            matches!(resource, R::Platform(_) | R::Installation)
        }

        // Platform roles.
        (RegionalChair, A::ViewPlatform | A::ManagePlatform) => own_platform(resource),
        (PlatformCoordinator, A::ViewPlatform | A::ManagePlatform) => {
            matches!(resource, R::Platform(_))
        }

        // Good practices: members who do the work submit them for their organisation; the
        // chair of the practice's regional platform (or the platform coordinator) reviews.
        (SocialWorker | OrgAdmin | VolunteerCoordinator, A::SubmitPractice) => own_org(resource),
        (RegionalChair, A::ReviewPractice) => own_platform(resource),
        (PlatformCoordinator, A::ReviewPractice) => matches!(resource, R::Platform(_)),
        // Events: the chair for the regional platform's events (World Social Work Day), the
        // coordinator for every platform's (the Sociaalwerkconferentie is the Flemish one's).
        (RegionalChair, A::ManageEvents) => own_platform(resource),
        // The diversity self-assessment is the organisation's own business.
        (OrgAdmin, A::ManageDiversity) => own_org(resource),
        (PlatformCoordinator, A::ManageEvents) => matches!(resource, R::Platform(_)),
        // Chairs follow up the Flemish plan's actions (seed 003, 3.2.1) and their own
        // platform's; the coordinator every platform's.
        (RegionalChair, A::UpdatePlanProgress) => {
            own_platform(resource) || matches!(resource, R::Platform(FLEMISH_PLATFORM))
        }
        (PlatformCoordinator, A::UpdatePlanProgress) => matches!(resource, R::Platform(_)),

        // Signals (issue 5): de-identified data, so shared beyond the organisation, but
        // registered, co-signed and commented in the name of one's own organisation.
        (SocialWorker | OrgAdmin, A::RegisterSignal | A::BundleSignals) => own_org(resource),
        (SocialWorker | OrgAdmin | VolunteerCoordinator, A::ViewDossiers | A::CommentDossier) => {
            own_org(resource)
        }
        (SocialWorker | OrgAdmin, A::ManageDossier) => own_org(resource),
        (OrgAdmin, A::CosignDossier) => own_org(resource),
        (
            RegionalChair,
            A::ViewDossiers
            | A::BundleSignals
            | A::ManageDossier
            | A::ReviewDossier
            | A::CommentDossier
            | A::ForwardDossier
            | A::RecordResponse,
        ) => own_platform(resource),
        (
            PlatformCoordinator,
            A::ViewDossiers
            | A::BundleSignals
            | A::ManageDossier
            | A::ReviewDossier
            | A::CommentDossier
            | A::RecordResponse,
        ) => matches!(resource, R::Platform(_)),

        _ => false,
    };
    if allowed { Ok(()) } else { Err(Denied) }
}

/// The id of the Flemish platform in the reference data (owner of the action plan).
pub const FLEMISH_PLATFORM: PlatformId = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_progress_by_chairs_and_the_coordinator_only() {
        let chair = actor(Role::RegionalChair);
        assert!(authorize(&chair, Action::UpdatePlanProgress, Resource::Platform(1)).is_ok());
        assert!(authorize(&chair, Action::UpdatePlanProgress, Resource::Platform(3)).is_ok());
        assert!(authorize(&chair, Action::UpdatePlanProgress, Resource::Platform(4)).is_err());
        let coordinator = actor(Role::PlatformCoordinator);
        assert!(
            authorize(
                &coordinator,
                Action::UpdatePlanProgress,
                Resource::Platform(4)
            )
            .is_ok()
        );
        for role in [
            Role::SocialWorker,
            Role::OrgAdmin,
            Role::Admin,
            Role::Volunteer,
            Role::VolunteerCoordinator,
        ] {
            assert!(
                authorize(
                    &actor(role),
                    Action::UpdatePlanProgress,
                    Resource::Platform(1)
                )
                .is_err(),
                "{role:?}"
            );
        }
    }

    fn actor(role: Role) -> Actor {
        Actor {
            account: 1,
            role,
            org: Some(10),
            platform: Some(3),
        }
    }

    #[test]
    fn client_data_stays_in_the_recording_organisation() {
        for role in Role::ALL {
            for action in [
                Action::ListClients,
                Action::ViewClient,
                Action::UpdateClient,
                Action::ExportClient,
            ] {
                assert!(
                    authorize(&actor(role), action, Resource::Org(11)).is_err(),
                    "{role:?} {action:?} other org"
                );
            }
        }
        for role in [
            Role::RegionalChair,
            Role::PlatformCoordinator,
            Role::Admin,
            Role::Volunteer,
        ] {
            assert!(
                authorize(&actor(role), Action::ViewClient, Resource::Org(10)).is_err(),
                "{role:?}"
            );
        }
        assert!(
            authorize(
                &actor(Role::SocialWorker),
                Action::ViewClient,
                Resource::Org(10)
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor(Role::SocialWorker),
                Action::EraseClient,
                Resource::Org(10)
            )
            .is_err()
        );
        assert!(
            authorize(
                &actor(Role::OrgAdmin),
                Action::EraseClient,
                Resource::Org(10)
            )
            .is_ok()
        );
    }

    #[test]
    fn deny_by_default_for_every_unlisted_pair() {
        // Volunteers may do nothing but manage their tokens and their own volunteering, and
        // read organisation profiles.
        for action in Action::ALL {
            for resource in [
                Resource::Org(10),
                Resource::Platform(3),
                Resource::Installation,
                Resource::OwnAccount,
            ] {
                let ok = authorize(&actor(Role::Volunteer), action, resource).is_ok();
                let expected = matches!(
                    (action, resource),
                    (Action::ManageOwnTokens, Resource::OwnAccount)
                        | (Action::OwnVolunteering, Resource::OwnAccount)
                        | (Action::ViewOrganisation, Resource::Org(_))
                );
                assert_eq!(ok, expected, "{action:?} {resource:?}");
            }
        }
    }

    #[test]
    fn exact_figures_only_for_the_own_organisation() {
        for role in Role::ALL {
            let a = actor(role);
            assert!(authorize(&a, Action::ViewFigures, Resource::Org(11)).is_err());
            let member = matches!(
                role,
                Role::SocialWorker | Role::OrgAdmin | Role::VolunteerCoordinator
            );
            assert_eq!(
                authorize(&a, Action::ViewFigures, Resource::Org(10)).is_ok(),
                member,
                "{role:?}"
            );
            assert_eq!(
                authorize(&a, Action::ViewFigures, Resource::Platform(4)).is_ok(),
                role != Role::Volunteer,
                "{role:?}"
            );
        }
    }

    #[test]
    fn own_volunteering_is_for_volunteers_only() {
        for role in Role::ALL {
            for resource in [
                Resource::OwnAccount,
                Resource::Org(10),
                Resource::Platform(3),
            ] {
                let ok = authorize(&actor(role), Action::OwnVolunteering, resource).is_ok();
                assert_eq!(
                    ok,
                    role == Role::Volunteer && resource == Resource::OwnAccount,
                    "{role:?} {resource:?}"
                );
            }
        }
        let without_org = Actor {
            org: None,
            ..actor(Role::Volunteer)
        };
        assert!(authorize(&without_org, Action::OwnVolunteering, Resource::OwnAccount).is_err());
    }

    #[test]
    fn solidarity_is_for_workers_of_the_own_organisation() {
        for role in Role::ALL {
            let own = authorize(&actor(role), Action::ManageSolidarity, Resource::Org(10)).is_ok();
            let other = authorize(&actor(role), Action::ManageSolidarity, Resource::Org(11));
            assert!(other.is_err(), "{role:?}");
            assert_eq!(
                own,
                matches!(
                    role,
                    Role::SocialWorker | Role::OrgAdmin | Role::VolunteerCoordinator
                ),
                "{role:?}"
            );
        }
    }

    #[test]
    fn practices_are_submitted_by_members_and_reviewed_by_the_regions_chair() {
        for role in [
            Role::SocialWorker,
            Role::OrgAdmin,
            Role::VolunteerCoordinator,
        ] {
            assert!(authorize(&actor(role), Action::SubmitPractice, Resource::Org(10)).is_ok());
            assert!(authorize(&actor(role), Action::SubmitPractice, Resource::Org(11)).is_err());
            assert!(
                authorize(&actor(role), Action::ReviewPractice, Resource::Platform(3)).is_err()
            );
        }
        let chair = actor(Role::RegionalChair);
        assert!(authorize(&chair, Action::ReviewPractice, Resource::Platform(3)).is_ok());
        assert!(authorize(&chair, Action::ReviewPractice, Resource::Platform(4)).is_err());
        assert!(authorize(&chair, Action::SubmitPractice, Resource::Org(10)).is_err());
        assert!(
            authorize(
                &actor(Role::PlatformCoordinator),
                Action::ReviewPractice,
                Resource::Platform(4)
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor(Role::Admin),
                Action::ReviewPractice,
                Resource::Platform(4)
            )
            .is_err()
        );
        assert!(authorize(&chair, Action::ManageEvents, Resource::Platform(3)).is_ok());
        assert!(authorize(&chair, Action::ManageEvents, Resource::Platform(1)).is_err());
        let worker = actor(Role::SocialWorker);
        assert!(authorize(&worker, Action::ManageEvents, Resource::Platform(3)).is_err());
        let coordinator = actor(Role::PlatformCoordinator);
        assert!(authorize(&coordinator, Action::ManageEvents, Resource::Platform(1)).is_ok());
        let admin = actor(Role::OrgAdmin);
        assert!(authorize(&admin, Action::ManageDiversity, Resource::Org(10)).is_ok());
        assert!(authorize(&admin, Action::ManageDiversity, Resource::Org(11)).is_err());
        assert!(authorize(&worker, Action::ManageDiversity, Resource::Org(10)).is_err());
        assert!(authorize(&coordinator, Action::ManageDiversity, Resource::Org(10)).is_err());
    }

    #[test]
    fn signals_roles() {
        let ok = |role, action, r| authorize(&actor(role), action, r).is_ok();
        use Action as A;
        use Resource::{Org, Platform};
        use Role::*;
        assert!(ok(SocialWorker, A::RegisterSignal, Org(10)));
        assert!(!ok(SocialWorker, A::RegisterSignal, Org(11)));
        assert!(!ok(Volunteer, A::RegisterSignal, Org(10)));
        assert!(!ok(RegionalChair, A::RegisterSignal, Org(10)));
        assert!(ok(OrgAdmin, A::CosignDossier, Org(10)));
        assert!(!ok(SocialWorker, A::CosignDossier, Org(10)));
        assert!(ok(RegionalChair, A::ReviewDossier, Platform(3)));
        assert!(!ok(RegionalChair, A::ReviewDossier, Platform(4)));
        assert!(!ok(SocialWorker, A::ReviewDossier, Org(10)));
        assert!(ok(RegionalChair, A::ForwardDossier, Platform(3)));
        assert!(!ok(PlatformCoordinator, A::ForwardDossier, Platform(3)));
        assert!(ok(PlatformCoordinator, A::RecordResponse, Platform(1)));
        assert!(!ok(SocialWorker, A::RecordResponse, Org(10)));
        assert!(!ok(Admin, A::ViewDossiers, Resource::Installation));
        // A chair bundles the signals of their own region only; the coordinator of every one.
        assert!(ok(RegionalChair, A::BundleSignals, Platform(3)));
        assert!(!ok(RegionalChair, A::BundleSignals, Platform(4)));
        assert!(ok(PlatformCoordinator, A::BundleSignals, Platform(4)));
    }

    #[test]
    fn chairs_manage_only_their_own_platform() {
        assert!(
            authorize(
                &actor(Role::RegionalChair),
                Action::ManagePlatform,
                Resource::Platform(3)
            )
            .is_ok()
        );
        assert!(
            authorize(
                &actor(Role::RegionalChair),
                Action::ManagePlatform,
                Resource::Platform(4)
            )
            .is_err()
        );
        assert!(
            authorize(
                &actor(Role::PlatformCoordinator),
                Action::ManagePlatform,
                Resource::Platform(4)
            )
            .is_ok()
        );
    }
}
