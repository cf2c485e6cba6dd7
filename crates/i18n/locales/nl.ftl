# Sterk — Nederlands (nl-BE), de standaardtaal.
# Sleutels: <plaats>-<betekenis>. Domeinwoorden (leefloon, knelpunt, krachtlijn) blijven Nederlands in elke taal.

app-name = Sterk
skip-to-content = Naar de inhoud
nav-label = Hoofdmenu
nav-home = Start
nav-start = Mijn start
nav-clients = Cliënten
nav-referrals = Doorverwijzingen
nav-organisation = Mijn organisatie
nav-organisations = Organisaties
nav-platforms = Platformen
nav-admin-audit = Auditlog installatie
nav-account = Mijn account
nav-login = Aanmelden
nav-logout = Afmelden
language-switch = Taal kiezen
footer-text = Sterk — platform voor Sterk Sociaal Werk in Vlaanderen en Brussel. Gemeentedata: Statbel (CC BY 4.0).

home-title = Sterk: sterk sociaal werk, samen
home-lead = Sterk helpt sociaal werkers om rechten te realiseren, informele solidariteit te versterken en wat ze op de werkvloer zien op de beleidstafel te krijgen.
home-mandates = Wat Sterk doet
home-see-platforms = Bekijk de regionale platformen
module-rechten = Rechten
module-rechten-text = Rechten verkennen met uitleg, opvolgen tot ze toegekend zijn, en mensen bereiken die hun rechten niet opnemen.
module-solidariteit = Solidariteit
module-solidariteit-text = Hulpvragen en vrijwilligers samenbrengen, met voorrang voor wie geen netwerk heeft.
module-signalen = Signalen
module-signalen-text = Knelpunten van de werkvloer bundelen tot beleidssignalen, en de antwoorden terugkoppelen.
module-platform = Platform
module-platform-text = De regionale platformen, het actieplan, goede praktijken en de Sociaalwerkconferentie.

start-title = Mijn start
start-greeting = Dag { $name }
start-clients-text = Cliënten van je organisatie opzoeken, registreren en opvolgen.
start-referrals-text = Mensen die andere organisaties naar jullie doorverwezen.
start-org-text = Accounts van je organisatie beheren.
start-audit-text = Wie heeft wat gelezen of gewijzigd.
start-admin-text = Een organisatie en haar eerste beheerder aanmaken.
start-platforms-text = De zes regionale platformen en het Vlaams Platform.
start-account-text = Je wachtwoord en je API-sleutels.

login-title = Aanmelden
login-submit = Aanmelden
login-invalid = Het e-mailadres of het wachtwoord klopt niet.
login-missing = Vul je e-mailadres en je wachtwoord in.
login-rate-limited = Te veel mislukte pogingen. Wacht een kwartier en probeer opnieuw, of vraag je beheerder om een nieuw wachtwoord.

field-email = E-mailadres
field-password = Wachtwoord
field-name = Naam
field-name-or-pseudonym = Naam of schuilnaam
field-birth = Geboortedatum of -jaar
field-birth-hint = Bijvoorbeeld 1948 of 07/03/1948.
field-municipality = Gemeente
field-languages = Talen
field-channels = Hoe bereik je deze persoon?
field-phone = Telefoon
field-address = Adres (voor huisbezoek of brief)
field-household = Gezin
field-adults = Volwassenen (de cliënt meegeteld)
field-children = Kinderen (jonger dan 18)
field-lives-alone = Woont alleen
field-notes = Notities (blijven binnen je organisatie)
field-kind = Soort organisatie
field-kbo = Ondernemingsnummer (KBO)
field-kbo-hint = Tien cijfers, bijvoorbeeld 0403.170.701. Leeg laten als er geen is.
field-platform = Regionaal platform
field-role = Rol
field-purpose = Doel
field-method = Hoe gegeven
field-given-on = Gegeven op
field-expires-on = Geldig tot (optioneel)
field-note = Opmerking
field-recipient-org = Organisatie (bij doorverwijzing)
field-recipient-org-hint = Alleen nodig als het doel een doorverwijzing is.
field-to-org = Doorverwijzen naar
field-from-org = Van
field-referral-note = Waarom doorverwijzen?
field-current-password = Huidig wachtwoord
field-new-password = Nieuw wachtwoord
field-new-password-hint = Minstens 10 tekens.
field-repeat-password = Nieuw wachtwoord opnieuw

choose = Kies…
save = Bewaren
cancel = Annuleren
edit = Wijzigen
search = Zoeken
actions = Acties
date = Datum
updated = Laatst gewijzigd
previous = Vorige
next = Volgende
pagination = Pagina's
form-has-errors = Niet alles is correct ingevuld. Bekijk de velden met een foutmelding.

clients-title = Cliënten
clients-new = Nieuwe cliënt
clients-edit = Cliënt wijzigen
clients-search = Zoek op naam
clients-count = { $count ->
    [one] { $count } cliënt
   *[other] { $count } cliënten
}
clients-none = Geen cliënten gevonden.
clients-minimal-data = Registreer alleen wat je nodig hebt. Deze gegevens blijven binnen je organisatie.
clients-export = Alle gegevens downloaden (JSON)
clients-erase = Gegevens wissen
clients-erased = Gewiste cliënt
clients-erased-text = De persoonsgegevens van deze cliënt zijn gewist. Alleen de auditlog bewaart dat dit dossier bestond.
household-adults = { $count ->
    [one] { $count } volwassene
   *[other] { $count } volwassenen
}
household-children = { $count ->
    [one] { $count } kind
   *[other] { $count } kinderen
}

consents-title = Toestemmingen
consents-intro = Elke keer dat gegevens gedeeld worden, kijkt Sterk of er een geldige toestemming is voor dat doel. Een intrekking geldt meteen.
consents-none = Nog geen toestemmingen geregistreerd.
consents-add = Toestemming registreren
consents-record = Toestemming registreren
consent-status = Status
consent-active = Geldig
consent-inactive = Niet (meer) geldig
consent-withdrawn-on = Ingetrokken op { $date }
consent-withdraw = Intrekken
consent-recorded-by = Geregistreerd door
consent-purpose-rights-check = Rechtenverkenning
consent-purpose-share-with-volunteer = Delen met een vrijwilliger
consent-purpose-referral = Doorverwijzing naar een organisatie
consent-purpose-anonymous-signal = Anoniem gebruik in signalen
consent-method-oral = Mondeling
consent-method-written = Schriftelijk

refer-title = Doorverwijzen
refer-intro = Deel naam, telefoon en je toelichting met een andere organisatie. Dat kan alleen met een geldige toestemming voor doorverwijzing naar die organisatie.
refer-submit = Doorverwijzen
referrals-intro = Mensen die andere organisaties naar jullie doorverwezen, met hun toestemming.
referrals-none = Nog geen doorverwijzingen ontvangen.

erase-explain = Wissen verwijdert alle persoonsgegevens van deze cliënt: naam, contactgegevens, gezin, notities, toestemmingen en gedeelde doorverwijzingen. Dit kan niet ongedaan gemaakt worden. Het wissen zelf wordt in de auditlog bewaard.
erase-confirm-label = Typ de naam van de cliënt om te bevestigen
erase-confirm-mismatch = De naam komt niet overeen. Er is niets gewist.
erase-submit = Definitief wissen

accounts-title = Accounts
accounts-new = Nieuw account
accounts-create = Account aanmaken
accounts-new-hint = Sterk maakt een tijdelijk wachtwoord dat je één keer te zien krijgt. Geef het persoonlijk door; bij de eerste aanmelding kiest de persoon een eigen wachtwoord.
accounts-reset = Nieuw wachtwoord
accounts-deactivate = Deactiveren
accounts-activate = Activeren
accounts-temporary-password = Tijdelijk wachtwoord voor { $email }:
accounts-temporary-password-hint = Dit wachtwoord wordt maar één keer getoond. Geef het persoonlijk door.
account-status = Status
account-active = Actief
account-inactive = Gedeactiveerd
account-password = Wachtwoord wijzigen
account-change-password = Wachtwoord wijzigen
account-must-change = Je gebruikt een tijdelijk wachtwoord. Kies nu een eigen wachtwoord.

tokens-title = API-sleutels
tokens-intro = Met een API-sleutel kan een programma namens jou de JSON-API gebruiken. Trek een sleutel in zodra je hem niet meer nodig hebt.
tokens-name = Naam van de sleutel
tokens-create = Sleutel aanmaken
tokens-created = Aangemaakt
tokens-revoke = Intrekken
tokens-revoked = Ingetrokken
tokens-shown-once = Je nieuwe sleutel. Hij wordt maar één keer getoond:

audit-title = Auditlog
audit-intro = Elke lezing en wijziging van cliëntgegevens, wie het deed en wanneer. De log kan niet gewijzigd worden.
audit-none = Nog niets gelogd.
audit-when = Wanneer
audit-who = Wie
audit-what = Wat
audit-on = Waarop
audit-older = Oudere regels
audit-entity-client = Cliënt
audit-entity-account = Account
audit-entity-organisation = Organisatie
audit-entity-api-token = API-sleutel
audit-entity-referral = Doorverwijzing
audit-action-client-create = Cliënt geregistreerd
audit-action-client-view = Cliënt bekeken
audit-action-client-list = Cliëntenlijst bekeken
audit-action-client-update = Cliënt gewijzigd
audit-action-client-export = Gegevens gedownload
audit-action-client-erase = Gegevens gewist
audit-action-client-refer = Doorverwezen
audit-action-consent-record = Toestemming geregistreerd
audit-action-consent-withdraw = Toestemming ingetrokken
audit-action-referral-receive = Doorverwijzing ontvangen
audit-action-referral-list = Doorverwijzingen bekeken
audit-action-account-create = Account aangemaakt
audit-action-account-login = Aangemeld
audit-action-account-password-change = Wachtwoord gewijzigd
audit-action-account-password-reset = Nieuw wachtwoord gegeven
audit-action-account-activate = Account geactiveerd
audit-action-account-deactivate = Account gedeactiveerd
audit-action-organisation-create = Organisatie aangemaakt
audit-action-token-create = API-sleutel aangemaakt
audit-action-token-revoke = API-sleutel ingetrokken

organisations-new = Nieuwe organisatie
organisations-create = Organisatie aanmaken
organisations-first-admin = Eerste organisatie-beheerder
organisations-created = Organisatie { $name } is aangemaakt.

platforms-intro = Sterk Sociaal Werk werkt met een Vlaams Platform en zes regionale platformen: één per provincie en één in Brussel.
platforms-municipalities = { $count ->
    [one] { $count } gemeente
   *[other] { $count } gemeenten
}
platforms-flemish-text = Het Vlaams Platform Sterk Sociaal Werk volgt het actieplan op, brengt de regio's samen en gaat in dialoog met beleidsmakers.
platforms-regional-text = Het regionaal platform brengt sociaal werkers, organisaties, opleidingen en mensen in armoede samen rond goede praktijken, knelpunten en acties.
platforms-all = Alle platformen
platform-vlaanderen = Vlaams Platform
platform-antwerpen = Antwerpen
platform-limburg = Limburg
platform-oost-vlaanderen = Oost-Vlaanderen
platform-west-vlaanderen = West-Vlaanderen
platform-vlaams-brabant = Vlaams-Brabant
platform-brussel = Brussel

role-social-worker = Sociaal werker
role-org-admin = Organisatie-beheerder
role-volunteer-coordinator = Vrijwilligerscoördinator
role-volunteer = Vrijwilliger
role-regional-chair = Regionale voorzitter
role-platform-coordinator = Platform-coördinator
role-admin = Beheerder installatie

org-kind-ocmw = OCMW of openbare sociale dienst
org-kind-caw = CAW
org-kind-buurtwerk = Buurtwerk of samenlevingsopbouw
org-kind-jeugdwerk = Jeugdwerk
org-kind-armoedevereniging = Armoedevereniging
org-kind-mutualiteit = Mutualiteit
org-kind-burgerinitiatief = Burgerinitiatief
org-kind-zelforganisatie = Zelforganisatie
org-kind-hogeschool = Hogeschool
org-kind-other = Andere

channel-phone = Telefoon
channel-visit = Huisbezoek
channel-letter = Brief
channel-email = E-mail

lang-nl = Nederlands
lang-fr = Frans
lang-en = Engels
lang-de = Duits
lang-ar = Arabisch
lang-tr = Turks
lang-ber = Berbers
lang-ro = Roemeens
lang-pl = Pools
lang-bg = Bulgaars
lang-es = Spaans
lang-it = Italiaans
lang-ru = Russisch
lang-uk = Oekraïens

flash-client-created = De cliënt is geregistreerd.
flash-saved = Bewaard.
flash-consent-recorded = De toestemming is geregistreerd.
flash-consent-withdrawn = De toestemming is ingetrokken. Dat geldt vanaf nu.
flash-referred = De doorverwijzing is verstuurd.
flash-erased = De persoonsgegevens zijn gewist.
flash-logged-out = Je bent afgemeld.
flash-password-changed = Je wachtwoord is gewijzigd.
flash-token-revoked = De sleutel is ingetrokken.

error-title-400 = Dat verzoek begrijpen we niet
error-title-401 = Meld je aan
error-title-403 = Geen toegang
error-title-404 = Niet gevonden
error-title-413 = Te groot
error-title-422 = Niet alles is correct
error-title-429 = Even wachten
error-title-500 = Er liep iets mis
error-home = Naar de startpagina
error-unauthorized = Meld je aan om deze pagina te zien.
error-forbidden = Je hebt geen toegang tot deze pagina. Denk je dat dit niet klopt, vraag het dan aan de beheerder van je organisatie.
error-not-found = Deze pagina bestaat niet, of je hebt er geen toegang toe.
error-csrf = Dit formulier is verlopen of komt niet van Sterk. Ga terug, herlaad de pagina en probeer opnieuw.
error-too-large = Wat je verstuurde is te groot.
error-too-many = Te veel verzoeken na elkaar. Probeer het zo meteen opnieuw.
error-internal = Er liep iets mis bij ons. Er is niets half bewaard. Probeer het opnieuw; blijft het misgaan, meld het dan aan de beheerder.
error-bad-form = Het formulier kon niet gelezen worden. Herlaad de pagina en probeer opnieuw.
error-bad-json = De JSON kon niet gelezen worden.
error-cannot-deactivate-self = Je kan je eigen account niet deactiveren.
error-required = Dit veld is verplicht.
error-too-long = Dit is te lang.
error-invalid-characters = Dit bevat tekens die niet toegelaten zijn.
error-choice-invalid = Kies een van de mogelijkheden.
error-number-invalid = Vul een geheel getal in.
error-number-too-small = Dit getal is te klein.
error-number-too-large = Dit getal is te groot (samen hoogstens 20 personen).
error-date-invalid = Vul een geldige datum in, bijvoorbeeld 07/03/2026 of 2026-03-07.
error-date-out-of-range = Deze datum ligt te ver in het verleden of de toekomst.
error-date-in-future = Deze datum ligt in de toekomst.
error-birth-invalid = Vul een geboortejaar (1948) of een geboortedatum (07/03/1948) in.
error-birth-in-future = Een geboortedatum kan niet in de toekomst liggen.
error-email-invalid = Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.be.
error-email-taken = Er bestaat al een account met dit e-mailadres.
error-email-needed-for-channel = Vul een e-mailadres in, of vink e-mail uit als manier om deze persoon te bereiken.
error-phone-invalid = Vul een telefoonnummer in met 8 tot 15 cijfers, bijvoorbeeld 0470 12 34 56.
error-phone-needed-for-channel = Vul een telefoonnummer in, of vink telefoon uit als manier om deze persoon te bereiken.
error-kbo-invalid = Een ondernemingsnummer heeft tien cijfers en begint met 0 of 1.
error-kbo-length = Een ondernemingsnummer heeft tien cijfers.
error-kbo-checksum = Dit ondernemingsnummer bestaat niet: de controlecijfers kloppen niet. Kijk het na.
error-kbo-taken = Er bestaat al een organisatie met dit ondernemingsnummer.
error-postcode-invalid = Een postcode heeft vier cijfers, van 1000 tot 9999.
error-refnis-invalid = Kies een gemeente uit de lijst.
error-municipality-unknown = Kies een gemeente in Vlaanderen of Brussel.
error-money-invalid = Vul een bedrag in, bijvoorbeeld 1.234,56.
error-money-too-large = Dit bedrag is te groot.
error-password-too-short = Een wachtwoord heeft minstens 10 tekens.
error-password-mismatch = De twee wachtwoorden zijn niet gelijk.
error-password-wrong = Dit is niet je huidige wachtwoord.
error-rate-limited = Te veel mislukte pogingen. Wacht een kwartier.
error-recipient-required = Kies de organisatie waarnaar doorverwezen mag worden.
error-expiry-before-given = De einddatum ligt vóór de datum waarop de toestemming gegeven werd.
error-referral-same-org = Kies een andere organisatie dan de jouwe.
error-consent-missing-referral = Er is geen geldige toestemming voor doorverwijzing naar deze organisatie. Registreer eerst die toestemming.
error-consent-missing-rights-check = Er is geen geldige toestemming voor een rechtenverkenning.
error-consent-missing-share-with-volunteer = Er is geen geldige toestemming om gegevens met een vrijwilliger te delen.
error-consent-missing-anonymous-signal = Er is geen geldige toestemming voor anoniem gebruik in signalen.
error-org-required = Deze rol hoort bij een organisatie.
error-platform-required = Deze rol hoort bij een regionaal platform.

# Administrator: platform accounts
admin-accounts-title = Accounts van de platformen
admin-accounts-intro = Regionale voorzitters, de platform-coördinator en beheerders van de installatie. Accounts van organisaties maakt de organisatie-beheerder zelf aan.
admin-accounts-platform-hint = Alleen voor een regionale voorzitter.
