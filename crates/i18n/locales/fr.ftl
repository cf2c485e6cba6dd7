# Sterk — français (fr-BE), traduit à partir du néerlandais.
# Clés : <endroit>-<sens>. Les mots du domaine (leefloon, knelpunt, krachtlijn) restent en néerlandais dans chaque langue.

app-name = Sterk
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-home = Accueil
nav-start = Mon espace
nav-clients = Usagers
nav-referrals = Orientations
nav-organisation = Mon organisation
nav-organisations = Organisations
nav-platforms = Plateformes
nav-admin-audit = Journal d’audit de l’installation
nav-account = Mon compte
nav-login = Se connecter
nav-logout = Se déconnecter
language-switch = Choisir la langue
footer-text = Sterk — plateforme pour Sterk Sociaal Werk en Flandre et à Bruxelles. Données communales : Statbel (CC BY 4.0).

home-title = Sterk : un travail social fort, ensemble
home-lead = Sterk aide les travailleurs sociaux à rendre les droits effectifs, à renforcer la solidarité informelle et à porter ce qu’ils voient sur le terrain jusqu’aux responsables politiques.
home-mandates = Ce que fait Sterk
home-see-platforms = Voir les plateformes régionales
module-rechten = Droits
module-rechten-text = Explorer les droits avec des explications, les suivre jusqu’à ce qu’ils soient accordés, et aller vers les personnes qui ne demandent pas leurs droits.
module-solidariteit = Solidarité
module-solidariteit-text = Mettre en lien les demandes d’aide et les bénévoles, en priorité pour les personnes qui n’ont pas de réseau.
module-signalen = Signaux
module-signalen-text = Regrouper les knelpunten (problèmes constatés sur le terrain) en signaux politiques, et transmettre les réponses au terrain.
module-platform = Plateforme
module-platform-text = Les plateformes régionales, le plan d’action, les bonnes pratiques et la Conférence du travail social (Sociaalwerkconferentie).

start-title = Mon espace
start-greeting = Bonjour { $name }
start-clients-text = Rechercher, enregistrer et suivre les usagers de votre organisation.
start-referrals-text = Les personnes que d’autres organisations ont orientées vers vous.
start-org-text = Gérer les comptes de votre organisation.
start-audit-text = Qui a lu ou modifié quoi.
start-admin-text = Créer une organisation et son premier gestionnaire.
start-platforms-text = Les six plateformes régionales et la Plateforme flamande.
start-account-text = Votre mot de passe et vos clés API.

login-title = Connexion
login-submit = Se connecter
login-invalid = L’adresse e-mail ou le mot de passe n’est pas correct.
login-missing = Indiquez votre adresse e-mail et votre mot de passe.
login-rate-limited = Trop de tentatives échouées. Attendez un quart d’heure et réessayez, ou demandez un nouveau mot de passe au gestionnaire de votre organisation.

field-email = Adresse e-mail
field-password = Mot de passe
field-name = Nom
field-name-or-pseudonym = Nom ou pseudonyme
field-birth = Date ou année de naissance
field-birth-hint = Par exemple 1948 ou 07/03/1948.
field-municipality = Commune
field-languages = Langues
field-channels = Comment joindre cette personne ?
field-phone = Téléphone
field-address = Adresse (pour une visite à domicile ou un courrier)
field-household = Ménage
field-adults = Adultes (usager compris)
field-children = Enfants (moins de 18 ans)
field-lives-alone = Vit seul(e)
field-notes = Notes (restent dans votre organisation)
field-kind = Type d’organisation
field-kbo = Numéro d’entreprise (BCE/KBO)
field-kbo-hint = Dix chiffres, par exemple 0403.170.701. Laissez vide s’il n’y en a pas.
field-platform = Plateforme régionale
field-role = Rôle
field-purpose = But
field-method = Forme (orale ou écrite)
field-given-on = Donné le
field-expires-on = Valable jusqu’au (facultatif)
field-note = Remarque
field-recipient-org = Organisation (en cas d’orientation)
field-recipient-org-hint = Seulement nécessaire si le but est une orientation.
field-to-org = Orienter vers
field-from-org = De
field-referral-note = Pourquoi orienter ?
field-current-password = Mot de passe actuel
field-new-password = Nouveau mot de passe
field-new-password-hint = Au moins 10 caractères.
field-repeat-password = Répétez le nouveau mot de passe

choose = Choisir…
save = Enregistrer
cancel = Annuler
edit = Modifier
search = Rechercher
actions = Actions
date = Date
updated = Dernière modification
previous = Précédent
next = Suivant
pagination = Pages
form-has-errors = Certains champs ne sont pas remplis correctement. Regardez les champs avec un message d’erreur.

clients-title = Usagers
clients-new = Nouvel usager
clients-edit = Modifier l’usager
clients-search = Rechercher par nom
clients-count = { $count ->
    [one] { $count } usager
   *[other] { $count } usagers
}
clients-none = Aucun usager trouvé.
clients-minimal-data = N’enregistrez que ce dont vous avez besoin. Ces données restent dans votre organisation.
clients-export = Télécharger toutes les données (JSON)
clients-erase = Effacer les données
clients-erased = Usager effacé
clients-erased-text = Les données personnelles de cet usager ont été effacées. Seul le journal d’audit garde la trace de l’existence de ce dossier.
household-adults = { $count ->
    [one] { $count } adulte
   *[other] { $count } adultes
}
household-children = { $count ->
    [one] { $count } enfant
   *[other] { $count } enfants
}

consents-title = Consentements
consents-intro = Chaque fois que des données sont partagées, Sterk vérifie qu’il existe un consentement valable pour ce but. Un retrait s’applique tout de suite.
consents-none = Aucun consentement enregistré pour l’instant.
consents-add = Enregistrer un consentement
consents-record = Enregistrer le consentement
consent-status = Statut
consent-active = Valable
consent-inactive = Pas (ou plus) valable
consent-withdrawn-on = Retiré le { $date }
consent-withdraw = Retirer
consent-recorded-by = Enregistré par
consent-purpose-rights-check = Exploration des droits
consent-purpose-share-with-volunteer = Partage avec un bénévole
consent-purpose-referral = Orientation vers une organisation
consent-purpose-anonymous-signal = Utilisation anonyme dans les signaux
consent-method-oral = Oral
consent-method-written = Écrit

refer-title = Orienter
refer-intro = Partagez le nom, le numéro de téléphone et votre explication avec une autre organisation. C’est possible seulement avec un consentement valable pour une orientation vers cette organisation.
refer-submit = Orienter
referrals-intro = Les personnes que d’autres organisations ont orientées vers vous, avec leur consentement.
referrals-none = Aucune orientation reçue pour l’instant.

erase-explain = L’effacement supprime toutes les données personnelles de cet usager : nom, coordonnées, ménage, notes, consentements et orientations partagées. Ce n’est pas réversible. L’effacement lui-même est gardé dans le journal d’audit.
erase-confirm-label = Tapez le nom de l’usager pour confirmer
erase-confirm-mismatch = Le nom ne correspond pas. Rien n’a été effacé.
erase-submit = Effacer définitivement

accounts-title = Comptes
accounts-new = Nouveau compte
accounts-create = Créer le compte
accounts-new-hint = Sterk crée un mot de passe temporaire que vous ne verrez qu’une seule fois. Transmettez-le en personne ; à la première connexion, la personne choisit son propre mot de passe.
accounts-reset = Nouveau mot de passe
accounts-deactivate = Désactiver
accounts-activate = Activer
accounts-temporary-password = Mot de passe temporaire pour { $email } :
accounts-temporary-password-hint = Ce mot de passe n’est affiché qu’une seule fois. Transmettez-le en personne.
account-status = Statut
account-active = Actif
account-inactive = Désactivé
account-password = Changer de mot de passe
account-change-password = Changer de mot de passe
account-must-change = Vous utilisez un mot de passe temporaire. Choisissez maintenant votre propre mot de passe.

tokens-title = Clés API
tokens-intro = Avec une clé API, un programme peut utiliser l’API JSON en votre nom. Révoquez une clé dès que vous n’en avez plus besoin.
tokens-name = Nom de la clé
tokens-create = Créer une clé
tokens-created = Créée le
tokens-revoke = Révoquer
tokens-revoked = Révoquée
tokens-shown-once = Votre nouvelle clé. Elle n’est affichée qu’une seule fois :

audit-title = Journal d’audit
audit-intro = Chaque lecture et chaque modification des données des usagers : qui l’a fait et quand. Le journal ne peut pas être modifié.
audit-none = Rien n’a encore été enregistré.
audit-when = Quand
audit-who = Qui
audit-what = Quoi
audit-on = Sur quoi
audit-older = Lignes plus anciennes
audit-entity-client = Usager
audit-entity-account = Compte
audit-entity-organisation = Organisation
audit-entity-api-token = Clé API
audit-entity-referral = Orientation
audit-action-client-create = Usager enregistré
audit-action-client-view = Usager consulté
audit-action-client-list = Liste des usagers consultée
audit-action-client-update = Usager modifié
audit-action-client-export = Données téléchargées
audit-action-client-erase = Données effacées
audit-action-client-refer = Orienté
audit-action-consent-record = Consentement enregistré
audit-action-consent-withdraw = Consentement retiré
audit-action-referral-receive = Orientation reçue
audit-action-referral-list = Orientations consultées
audit-action-account-create = Compte créé
audit-action-account-login = Connexion
audit-action-account-password-change = Mot de passe changé
audit-action-account-password-reset = Nouveau mot de passe donné
audit-action-account-activate = Compte activé
audit-action-account-deactivate = Compte désactivé
audit-action-organisation-create = Organisation créée
audit-action-token-create = Clé API créée
audit-action-token-revoke = Clé API révoquée

organisations-new = Nouvelle organisation
organisations-create = Créer l’organisation
organisations-first-admin = Premier gestionnaire de l’organisation
organisations-created = L’organisation { $name } a été créée.

platforms-intro = Sterk Sociaal Werk (« un travail social fort ») fonctionne avec une Plateforme flamande et six plateformes régionales : une par province et une à Bruxelles.
platforms-municipalities = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
platforms-flemish-text = La Plateforme flamande Sterk Sociaal Werk suit le plan d’action, rassemble les régions et dialogue avec les responsables politiques.
platforms-regional-text = La plateforme régionale rassemble des travailleurs sociaux, des organisations, des écoles et des personnes en situation de pauvreté autour de bonnes pratiques, de knelpunten (points de blocage) et d’actions.
platforms-all = Toutes les plateformes
platform-vlaanderen = Plateforme flamande
platform-antwerpen = Anvers
platform-limburg = Limbourg
platform-oost-vlaanderen = Flandre orientale
platform-west-vlaanderen = Flandre occidentale
platform-vlaams-brabant = Brabant flamand
platform-brussel = Bruxelles

role-social-worker = Travailleur social
role-org-admin = Gestionnaire de l’organisation
role-volunteer-coordinator = Coordinateur des bénévoles
role-volunteer = Bénévole
role-regional-chair = Président régional
role-platform-coordinator = Coordinateur de plateforme
role-admin = Gestionnaire de l’installation

org-kind-ocmw = OCMW/CPAS ou service social public
org-kind-caw = CAW (centre d’aide sociale générale)
org-kind-buurtwerk = Travail de quartier ou développement communautaire
org-kind-jeugdwerk = Organisation de jeunesse
org-kind-armoedevereniging = Association de lutte contre la pauvreté
org-kind-mutualiteit = Mutualité
org-kind-burgerinitiatief = Initiative citoyenne
org-kind-zelforganisatie = Auto-organisation
org-kind-hogeschool = Haute école
org-kind-other = Autre

channel-phone = Téléphone
channel-visit = Visite à domicile
channel-letter = Courrier
channel-email = E-mail

lang-nl = Néerlandais
lang-fr = Français
lang-en = Anglais
lang-de = Allemand
lang-ar = Arabe
lang-tr = Turc
lang-ber = Berbère
lang-ro = Roumain
lang-pl = Polonais
lang-bg = Bulgare
lang-es = Espagnol
lang-it = Italien
lang-ru = Russe
lang-uk = Ukrainien

flash-client-created = L’usager a été enregistré.
flash-saved = Enregistré.
flash-consent-recorded = Le consentement a été enregistré.
flash-consent-withdrawn = Le consentement a été retiré. Le retrait s’applique dès maintenant.
flash-referred = L’orientation a été envoyée.
flash-erased = Les données personnelles ont été effacées.
flash-logged-out = Vous êtes déconnecté.
flash-password-changed = Votre mot de passe a été changé.
flash-token-revoked = La clé a été révoquée.

error-title-400 = Nous ne comprenons pas cette demande
error-title-401 = Connectez-vous
error-title-403 = Accès refusé
error-title-404 = Page introuvable
error-title-413 = Trop volumineux
error-title-422 = Tout n’est pas correct
error-title-429 = Un instant, s’il vous plaît
error-title-500 = Un problème est survenu
error-home = Aller à la page d’accueil
error-unauthorized = Connectez-vous pour voir cette page.
error-forbidden = Vous n’avez pas accès à cette page. Si vous pensez que c’est une erreur, demandez au gestionnaire de votre organisation.
error-not-found = Cette page n’existe pas, ou vous n’y avez pas accès.
error-csrf = Ce formulaire a expiré ou ne vient pas de Sterk. Revenez en arrière, rechargez la page et réessayez.
error-too-large = Ce que vous avez envoyé est trop volumineux.
error-too-many = Trop de demandes à la suite. Réessayez dans un instant.
error-internal = Un problème est survenu chez nous. Rien n’a été enregistré à moitié. Réessayez ; si le problème continue, signalez-le au gestionnaire.
error-bad-form = Le formulaire n’a pas pu être lu. Rechargez la page et réessayez.
error-bad-json = Le JSON n’a pas pu être lu.
error-cannot-deactivate-self = Vous ne pouvez pas désactiver votre propre compte.
error-required = Ce champ est obligatoire.
error-too-long = C’est trop long.
error-invalid-characters = Ce texte contient des caractères qui ne sont pas autorisés.
error-choice-invalid = Choisissez une des possibilités.
error-number-invalid = Indiquez un nombre entier.
error-number-too-small = Ce nombre est trop petit.
error-number-too-large = Ce nombre est trop grand (20 personnes au maximum en tout).
error-date-invalid = Indiquez une date valable, par exemple 07/03/2026 ou 2026-03-07.
error-date-out-of-range = Cette date est trop loin dans le passé ou dans le futur.
error-date-in-future = Cette date est dans le futur.
error-birth-invalid = Indiquez une année de naissance (1948) ou une date de naissance (07/03/1948).
error-birth-in-future = Une date de naissance ne peut pas être dans le futur.
error-email-invalid = Indiquez une adresse e-mail valable, par exemple nom@exemple.be.
error-email-taken = Un compte existe déjà avec cette adresse e-mail.
error-email-needed-for-channel = Indiquez une adresse e-mail, ou décochez « E-mail » comme moyen de joindre cette personne.
error-phone-invalid = Indiquez un numéro de téléphone de 8 à 15 chiffres, par exemple 0470 12 34 56.
error-phone-needed-for-channel = Indiquez un numéro de téléphone, ou décochez « Téléphone » comme moyen de joindre cette personne.
error-kbo-invalid = Un numéro d’entreprise a dix chiffres et commence par 0 ou 1.
error-kbo-length = Un numéro d’entreprise a dix chiffres.
error-kbo-checksum = Ce numéro d’entreprise n’existe pas : les chiffres de contrôle ne sont pas corrects. Vérifiez-le.
error-kbo-taken = Une organisation existe déjà avec ce numéro d’entreprise.
error-postcode-invalid = Un code postal a quatre chiffres, de 1000 à 9999.
error-refnis-invalid = Choisissez une commune dans la liste.
error-municipality-unknown = Choisissez une commune en Flandre ou à Bruxelles.
error-money-invalid = Indiquez un montant, par exemple 1.234,56.
error-money-too-large = Ce montant est trop élevé.
error-password-too-short = Un mot de passe doit avoir au moins 10 caractères.
error-password-mismatch = Les deux mots de passe ne sont pas identiques.
error-password-wrong = Ce n’est pas votre mot de passe actuel.
error-rate-limited = Trop de tentatives échouées. Attendez un quart d’heure.
error-recipient-required = Choisissez l’organisation vers laquelle la personne peut être orientée.
error-expiry-before-given = La date de fin est avant la date à laquelle le consentement a été donné.
error-referral-same-org = Choisissez une autre organisation que la vôtre.
error-consent-missing-referral = Il n’y a pas de consentement valable pour une orientation vers cette organisation. Enregistrez d’abord ce consentement.
error-consent-missing-rights-check = Il n’y a pas de consentement valable pour une exploration des droits.
error-consent-missing-share-with-volunteer = Il n’y a pas de consentement valable pour partager des données avec un bénévole.
error-consent-missing-anonymous-signal = Il n’y a pas de consentement valable pour une utilisation anonyme dans les signaux.
error-org-required = Ce rôle est lié à une organisation.
error-platform-required = Ce rôle est lié à une plateforme régionale.

# Administrator: platform accounts
admin-accounts-title = Comptes des plateformes
admin-accounts-intro = Présidents régionaux, coordinateur de la plateforme et gestionnaires de l’installation. Les comptes des organisations sont créés par leur gestionnaire.
admin-accounts-platform-hint = Uniquement pour un président régional.
