# Sterk — English, translated from the Dutch source.
# Keys: <place>-<meaning>. Domain words (leefloon, knelpunt, krachtlijn) stay Dutch in every language.

app-name = Sterk
skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-start = My start page
nav-clients = Clients
nav-referrals = Referrals
nav-organisation = My organisation
nav-organisations = Organisations
nav-platforms = Platforms
nav-admin-audit = Installation audit log
nav-account = My account
nav-login = Log in
nav-logout = Log out
language-switch = Choose language
footer-text = Sterk — platform for Sterk Sociaal Werk in Flanders and Brussels. Municipal data: Statbel (CC BY 4.0).

home-title = Sterk: strong social work, together
home-lead = Sterk helps social workers make rights real, strengthen informal solidarity and bring what they see on the ground to the policy table.
home-mandates = What Sterk does
home-see-platforms = See the regional platforms
module-rechten = Rights
module-rechten-text = Explore rights with explanations, follow them up until they are granted, and reach people who do not claim their rights.
module-solidariteit = Solidarity
module-solidariteit-text = Match requests for help with volunteers, with priority for people who have no network.
module-signalen = Signals
module-signalen-text = Bundle knelpunten (problems seen in the field) into policy signals, and report the answers back.
module-platform = Platform
module-platform-text = The regional platforms, the action plan, good practices and the Social Work Conference (Sociaalwerkconferentie).

start-title = My start page
start-greeting = Hello { $name }
start-clients-text = Find, register and follow up your organisation's clients.
start-referrals-text = People that other organisations referred to you.
start-org-text = Manage your organisation's accounts.
start-audit-text = Who read or changed what.
start-admin-text = Create an organisation and its first administrator.
start-platforms-text = The six regional platforms and the Flemish Platform.
start-account-text = Your password and your API keys.

login-title = Log in
login-submit = Log in
login-invalid = The email address or the password is not correct.
login-missing = Enter your email address and your password.
login-rate-limited = Too many failed attempts. Wait 15 minutes and try again, or ask your administrator for a new password.

field-email = Email address
field-password = Password
field-name = Name
field-name-or-pseudonym = Name or pseudonym
field-birth = Date or year of birth
field-birth-hint = For example 1948 or 07/03/1948.
field-municipality = Municipality
field-languages = Languages
field-channels = How can you reach this person?
field-phone = Phone
field-address = Address (for a home visit or a letter)
field-household = Household
field-adults = Adults (including the client)
field-children = Children (under 18)
field-lives-alone = Lives alone
field-notes = Notes (stay within your organisation)
field-kind = Type of organisation
field-kbo = Enterprise number (KBO)
field-kbo-hint = Ten digits, for example 0403.170.701. Leave empty if there is none.
field-platform = Regional platform
field-role = Role
field-purpose = Purpose
field-method = How it was given
field-given-on = Given on
field-expires-on = Valid until (optional)
field-note = Note
field-recipient-org = Organisation (for a referral)
field-recipient-org-hint = Only needed if the purpose is a referral.
field-to-org = Refer to
field-from-org = From
field-referral-note = Why refer?
field-current-password = Current password
field-new-password = New password
field-new-password-hint = At least 10 characters.
field-repeat-password = New password again

choose = Choose…
save = Save
cancel = Cancel
edit = Edit
search = Search
actions = Actions
date = Date
updated = Last changed
previous = Previous
next = Next
pagination = Pages
form-has-errors = Not everything is filled in correctly. Look at the fields with an error message.

clients-title = Clients
clients-new = New client
clients-edit = Edit client
clients-search = Search by name
clients-count = { $count ->
    [one] { $count } client
   *[other] { $count } clients
}
clients-none = No clients found.
clients-minimal-data = Only record what you need. This information stays within your organisation.
clients-export = Download all data (JSON)
clients-erase = Erase data
clients-erased = Erased client
clients-erased-text = This client's personal data has been erased. Only the audit log keeps a record that this file existed.
household-adults = { $count ->
    [one] { $count } adult
   *[other] { $count } adults
}
household-children = { $count ->
    [one] { $count } child
   *[other] { $count } children
}

consents-title = Consents
consents-intro = Every time data is shared, Sterk checks that there is valid consent for that purpose. A withdrawal applies straight away.
consents-none = No consents recorded yet.
consents-add = Record consent
consents-record = Record consent
consent-status = Status
consent-active = Valid
consent-inactive = Not (or no longer) valid
consent-withdrawn-on = Withdrawn on { $date }
consent-withdraw = Withdraw
consent-recorded-by = Recorded by
consent-purpose-rights-check = Rights check
consent-purpose-share-with-volunteer = Sharing with a volunteer
consent-purpose-referral = Referral to an organisation
consent-purpose-anonymous-signal = Anonymous use in signals
consent-method-oral = Verbal
consent-method-written = Written

refer-title = Refer
refer-intro = Share the name, phone number and your explanation with another organisation. You can only do this with valid consent for a referral to that organisation.
refer-submit = Refer
referrals-intro = People that other organisations referred to you, with their consent.
referrals-none = No referrals received yet.

erase-explain = Erasing removes all personal data of this client: name, contact details, household, notes, consents and shared referrals. This cannot be undone. The erasure itself is kept in the audit log.
erase-confirm-label = Type the client's name to confirm
erase-confirm-mismatch = The name does not match. Nothing has been erased.
erase-submit = Erase permanently

accounts-title = Accounts
accounts-new = New account
accounts-create = Create account
accounts-new-hint = Sterk makes a temporary password that you will see only once. Give it to the person yourself; when they first log in, they choose their own password.
accounts-reset = New password
accounts-deactivate = Deactivate
accounts-activate = Activate
accounts-temporary-password = Temporary password for { $email }:
accounts-temporary-password-hint = This password is shown only once. Give it to the person yourself.
account-status = Status
account-active = Active
account-inactive = Deactivated
account-password = Change password
account-change-password = Change password
account-must-change = You are using a temporary password. Choose your own password now.

tokens-title = API keys
tokens-intro = With an API key, a program can use the JSON API on your behalf. Revoke a key as soon as you no longer need it.
tokens-name = Key name
tokens-create = Create key
tokens-created = Created
tokens-revoke = Revoke
tokens-revoked = Revoked
tokens-shown-once = Your new key. It is shown only once:

audit-title = Audit log
audit-intro = Every time client data is read or changed, who did it and when. The log cannot be changed.
audit-none = Nothing logged yet.
audit-when = When
audit-who = Who
audit-what = What
audit-on = On what
audit-older = Older entries
audit-entity-client = Client
audit-entity-account = Account
audit-entity-organisation = Organisation
audit-entity-api-token = API key
audit-entity-referral = Referral
audit-action-client-create = Client registered
audit-action-client-view = Client viewed
audit-action-client-list = Client list viewed
audit-action-client-update = Client changed
audit-action-client-export = Data downloaded
audit-action-client-erase = Data erased
audit-action-client-refer = Referred
audit-action-consent-record = Consent recorded
audit-action-consent-withdraw = Consent withdrawn
audit-action-referral-receive = Referral received
audit-action-referral-list = Referrals viewed
audit-action-account-create = Account created
audit-action-account-login = Logged in
audit-action-account-password-change = Password changed
audit-action-account-password-reset = New password given
audit-action-account-activate = Account activated
audit-action-account-deactivate = Account deactivated
audit-action-organisation-create = Organisation created
audit-action-token-create = API key created
audit-action-token-revoke = API key revoked

organisations-new = New organisation
organisations-create = Create organisation
organisations-first-admin = First organisation administrator
organisations-created = Organisation { $name } has been created.

platforms-intro = Sterk Sociaal Werk ("strong social work") works with a Flemish Platform and six regional platforms: one per province and one in Brussels.
platforms-municipalities = { $count ->
    [one] { $count } municipality
   *[other] { $count } municipalities
}
platforms-flemish-text = The Flemish Platform Sterk Sociaal Werk follows up the action plan, brings the regions together and talks with policymakers.
platforms-regional-text = The regional platform brings social workers, organisations, schools and people in poverty together around good practices, knelpunten (bottlenecks) and actions.
platforms-all = All platforms
platform-vlaanderen = Flemish Platform
platform-antwerpen = Antwerp
platform-limburg = Limburg
platform-oost-vlaanderen = East Flanders
platform-west-vlaanderen = West Flanders
platform-vlaams-brabant = Flemish Brabant
platform-brussel = Brussels

role-social-worker = Social worker
role-org-admin = Organisation administrator
role-volunteer-coordinator = Volunteer coordinator
role-volunteer = Volunteer
role-regional-chair = Regional chair
role-platform-coordinator = Platform coordinator
role-admin = Installation administrator

org-kind-ocmw = OCMW (public social welfare centre) or public social service
org-kind-caw = CAW (general welfare centre)
org-kind-buurtwerk = Neighbourhood work or community development
org-kind-jeugdwerk = Youth work
org-kind-armoedevereniging = Anti-poverty association
org-kind-mutualiteit = Health insurance fund
org-kind-burgerinitiatief = Citizens' initiative
org-kind-zelforganisatie = Self-organisation
org-kind-hogeschool = University college
org-kind-other = Other

channel-phone = Phone
channel-visit = Home visit
channel-letter = Letter
channel-email = Email

lang-nl = Dutch
lang-fr = French
lang-en = English
lang-de = German
lang-ar = Arabic
lang-tr = Turkish
lang-ber = Berber
lang-ro = Romanian
lang-pl = Polish
lang-bg = Bulgarian
lang-es = Spanish
lang-it = Italian
lang-ru = Russian
lang-uk = Ukrainian

flash-client-created = The client has been registered.
flash-saved = Saved.
flash-consent-recorded = The consent has been recorded.
flash-consent-withdrawn = The consent has been withdrawn. This applies from now on.
flash-referred = The referral has been sent.
flash-erased = The personal data has been erased.
flash-logged-out = You are logged out.
flash-password-changed = Your password has been changed.
flash-token-revoked = The key has been revoked.

error-title-400 = We do not understand this request
error-title-401 = Please log in
error-title-403 = No access
error-title-404 = Not found
error-title-413 = Too large
error-title-422 = Not everything is correct
error-title-429 = Please wait a moment
error-title-500 = Something went wrong
error-home = Go to the home page
error-unauthorized = Log in to see this page.
error-forbidden = You do not have access to this page. If you think this is wrong, ask your organisation's administrator.
error-not-found = This page does not exist, or you do not have access to it.
error-csrf = This form has expired or did not come from Sterk. Go back, reload the page and try again.
error-too-large = What you sent is too large.
error-too-many = Too many requests in a row. Try again in a moment.
error-internal = Something went wrong on our side. Nothing was half saved. Try again; if it keeps going wrong, tell the administrator.
error-bad-form = The form could not be read. Reload the page and try again.
error-bad-json = The JSON could not be read.
error-cannot-deactivate-self = You cannot deactivate your own account.
error-required = This field is required.
error-too-long = This is too long.
error-invalid-characters = This contains characters that are not allowed.
error-choice-invalid = Choose one of the options.
error-number-invalid = Enter a whole number.
error-number-too-small = This number is too small.
error-number-too-large = This number is too large (20 people at most in total).
error-date-invalid = Enter a valid date, for example 07/03/2026 or 2026-03-07.
error-date-out-of-range = This date is too far in the past or the future.
error-date-in-future = This date is in the future.
error-birth-invalid = Enter a year of birth (1948) or a date of birth (07/03/1948).
error-birth-in-future = A date of birth cannot be in the future.
error-email-invalid = Enter a valid email address, for example name@example.be.
error-email-taken = An account with this email address already exists.
error-email-needed-for-channel = Enter an email address, or untick email as a way to reach this person.
error-phone-invalid = Enter a phone number with 8 to 15 digits, for example 0470 12 34 56.
error-phone-needed-for-channel = Enter a phone number, or untick phone as a way to reach this person.
error-kbo-invalid = An enterprise number has ten digits and starts with 0 or 1.
error-kbo-length = An enterprise number has ten digits.
error-kbo-checksum = This enterprise number does not exist: the check digits are wrong. Please check it.
error-kbo-taken = An organisation with this enterprise number already exists.
error-postcode-invalid = A postcode has four digits, from 1000 to 9999.
error-refnis-invalid = Choose a municipality from the list.
error-municipality-unknown = Choose a municipality in Flanders or Brussels.
error-money-invalid = Enter an amount, for example 1234.56.
error-money-too-large = This amount is too large.
error-password-too-short = A password must have at least 10 characters.
error-password-mismatch = The two passwords are not the same.
error-password-wrong = This is not your current password.
error-rate-limited = Too many failed attempts. Wait 15 minutes.
error-recipient-required = Choose the organisation the person may be referred to.
error-expiry-before-given = The end date is before the date the consent was given.
error-referral-same-org = Choose an organisation other than your own.
error-consent-missing-referral = There is no valid consent for a referral to this organisation. Record that consent first.
error-consent-missing-rights-check = There is no valid consent for a rights check.
error-consent-missing-share-with-volunteer = There is no valid consent to share data with a volunteer.
error-consent-missing-anonymous-signal = There is no valid consent for anonymous use in signals.
error-org-required = This role belongs to an organisation.
error-platform-required = This role belongs to a regional platform.

# Administrator: platform accounts
admin-accounts-title = Platform accounts
admin-accounts-intro = Regional chairs, the platform coordinator and installation administrators. Accounts of organisations are created by their own administrator.
admin-accounts-platform-hint = Only for a regional chair.
