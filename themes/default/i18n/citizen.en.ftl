# Citizen pages: accounts and sign-in on the identity host, and the case forms of every site.

form-required = (required)
form-expired = This form has expired or came from another page. Reload the page and submit again.
form-foreign-origin = This form came from another website and was refused. Fill it in again on this site.
rate-limited = Too many attempts. Please try again later.
challenge-question = What is { $a } plus { $b }? (answer in digits)
challenge-hint = To stop bulk submissions, frequent use needs a check. With scripts enabled your browser answers it for you.
challenge-failed = The check was wrong or has expired. Answer it again and resubmit.

field-mobile = Mobile number
field-email = E-mail address
field-account = Mobile number or e-mail address
field-account-hint = The mobile number or e-mail address you registered with.
field-password = Password
field-new-password = New password
password-hint = At least 8 characters, any characters allowed; a phrase that is hard to guess works well.
field-code = Code from the SMS
field-display-name = Name to be addressed by
field-display-name-new-hint = Only asked the first time; you may leave it empty.
field-kind = Account type
kind-person = Individual
kind-business = Business or other organization
field-address = Postal address
field-address-hint = Used only to handle what you submit, and stored encrypted.
field-business-name = Organization name
field-credit-code = Unified social credit code

mobile-invalid = The mobile number "{ $value }" is not valid: enter an 11-digit mainland China mobile number such as 13800138000.
email-invalid = The e-mail address "{ $value }" is not valid: enter an address such as name@example.cn.
password-length = A password must have { $min } to { $max } characters. Change it and try again.
display-name-missing = Enter a name to be addressed by.
address-too-long = The postal address may not exceed 200 characters. Shorten it and try again.
business-name-too-long = The organization name may not exceed 100 characters. Shorten it and try again.
credit-code-invalid = The unified social credit code "{ $value }" is not valid ({ $reason }). Check it and try again.
default-display-name = User { $tail }

signin-heading = Sign in
signin-intro = One account signs you in to every government website of the platform. Signing in with a new mobile number registers it.
signin-mobile-heading = Sign in or register with a mobile number
signin-send-code = Send code
signin-password-heading = Sign in with a password
signin-submit = Sign in
signin-wrong = The account or password is not right. Try again, or reset your password.
signup-email-heading = Register with an e-mail address
signup-email-intro = We send a link to this address; open it and choose a name and password to finish.
signup-email-submit = Send the e-mail
signup-email-sent-heading = Check your e-mail
signup-email-sent = We sent an e-mail to { $email }. Follow its instructions to continue. If it does not arrive, check your spam folder or try again later.
signin-failed-heading = Sign-in not completed
signin-again = Sign in again
signin-state-invalid = The sign-in request has expired or was already used. Sign in again.
signin-provider-error = The identity service answered with an error ({ $error }). Sign in again.
federation-link = Sign in with { $name }
federation-failed = Signing in through the provincial identity service failed: { $reason }. Try again later or sign in another way.

code-heading = Enter the code
code-intro = We sent a code to { $mobile }. It works for 10 minutes.
code-resend-link = No code? Send a new one
code-wrong = The code is not right. { $left } tries left.
code-missing = The code is not right or has expired. Request a new one.
code-too-soon = Codes were requested too often: at most one a minute and five an hour for a number. Try again later.
code-send-failed = The SMS could not be sent. Try again later.
sms-code = [Government website platform] Your code is { $code }. It works for { $minutes } minutes. Do not tell anyone.

mail-send-failed = The e-mail could not be sent. Try again later.
mail-verify-subject = Confirm your e-mail address
mail-verify-body = Hello,

    Open this link to finish registering (it works for { $hours } hours):
    { $link }

    If you did not ask for this, ignore this e-mail.
mail-registered-subject = You already have an account
mail-registered-body = Hello,

    Someone asked to register with this address, but it already has an account.
    Sign in: { $signin }
    Forgot your password: { $reset }

    If you did not ask for this, ignore this e-mail.
mail-reset-subject = Reset your password
mail-reset-body = Hello,

    Open this link to choose a new password (it works for one hour):
    { $link }

    If you did not ask for this, ignore this e-mail; your password stays the same.

verify-heading = Finish registering
verify-intro = Choose a name and a password.
verify-submit = Finish registering
link-invalid = The link is not valid, has expired or was already used. Ask for a new one.

reset-link = Forgot your password
reset-heading = Reset your password
reset-intro = Enter the mobile number or e-mail address you registered with.
reset-submit = Continue
reset-email-sent = If { $email } is registered, we sent it a link to reset the password.
reset-code-intro = If { $mobile } is registered, we sent it a code. Enter the code and choose a new password.
reset-save = Save the new password
reset-done = Your password was reset and every sign-in on every device has ended. Sign in with the new password.

account-heading = My account
account-kind = Account type
account-assurance = Identity verification
assurance-unverified = Not verified
assurance-verified = Verified by { $source }
account-none = Not given
account-profile-heading = Profile
account-save = Save profile
account-saved = The profile was saved.
account-password-heading = Set a password
account-password-save = Save password
password-saved = The password was saved.
account-home-link = Back to my account
account-manage-link = Manage my account

signout-heading = Sign out
signout-intro = Signing out ends your sign-in on every website of the platform.
signout-submit = Sign out

delete-link = Delete my account
delete-heading = Delete my account
delete-intro = Deleting removes your account and your mobile number, e-mail and address for good. Messages and applications you sent stay as government records, with your contact details removed.
delete-confirm-label = Type 注销 to confirm
delete-confirm-hint = This cannot be undone.
delete-confirm-word = 注销
delete-confirm-wrong = The confirmation is not right: type 注销.
delete-submit = Delete my account
delete-done = Your account and personal data were deleted.

my-heading = My requests
my-intro = Hello, { $name }. These are the messages and applications you sent.
my-cases = My messages and applications
my-cases-none = None yet
my-cases-failed = They cannot be read right now. Reload later.
my-case-number = Number
my-case-kind = Type
my-case-state = State
my-case-received = Received on
my-case-org = Handled by
my-case-due = Answer due by
my-case-progress = Progress
my-case-written = What you sent
my-case-reply = Reply
my-case-reply-org = Replied by
my-case-reply-date = Replied on
message-write-link = Write a message
disclosure-link = Apply for government information

case-kind-message = Message
case-kind-error-report = Error report
case-kind-disclosure = Information application
case-state-received = Received
case-state-in-progress = In progress
case-state-paused = Awaiting your correction
case-state-answered = Answered
case-state-rejected = Not accepted

## Case forms and the public interaction pages (/hudong/, /zhaocuo, /ysqgk)

case-received-heading = Sent
case-received-notice = Your { $kind } was received with number { $no }. Keep the number to follow it up.
case-no-label = Number
case-kind-label = Kind
case-received-on-label = Received on
case-replied-on-label = Replied on
case-reply-org-label = Replying organization
case-next-label = What happens next
case-my-link = See my messages and applications
case-form-unreadable = The form could not be read or is too large. Reload the page and send it again, with attachments of 15 MB or less in total.
case-form-too-large = The form is too long. Shorten it and send it again.
case-attachment-large = Attachment "{ $name }" is larger than 5 MB. Compress or split it and upload it again.
case-attachment-many = At most { $max } attachments are allowed. Remove the extra ones and send again.
case-attachment-kind = Attachment "{ $name }" is not a PDF, JPEG or PNG file. Convert it to one of these and upload it again.
case-rate-limited = Too many submissions: the limit is reached. Try again in an hour. Each account and network may send 5 an hour and 20 a day (10 and 30 for error reports and opinions).
case-field-missing = "{ $field }" is empty. Fill it in.
case-field-long = "{ $field }" has { $count } characters. Shorten it to { $max } or fewer.
case-org-invalid = Organization "{ $value }" is not one this site serves. Choose one from the list.
case-category-invalid = Category "{ $value }" is invalid. Choose question, suggestion or complaint.
case-visibility-invalid = Publication choice "{ $value }" is invalid. Choose public or private.

message-heading = Write a message
message-intro = Choose the organization and describe your request. It will be handled and answered within the legal time limit; see the answer under "My messages and applications".
message-submit = Send the message
message-next = The organization will handle and answer it within the time limit. A public message whose writer consented is published on this site with the answer, without personal data.
field-org = Organization
field-category = Category
category-consultation = Question
category-suggestion = Suggestion
category-complaint = Complaint
field-subject = Subject
field-body = Message
field-contact-mobile = Contact telephone
field-contact-mobile-hint = Optional. Used only to contact you about this request; stored encrypted and never published.
field-visibility = Publication
visibility-public = Public
visibility-private = Private
field-consent = I agree that this message is published with its answer (without personal data)
field-consent-hint = Applies only when the message is public.
field-attachments = Attachments
field-attachments-hint = Optional. Up to { $max } PDF, JPEG or PNG files of at most 5 MB each.

report-heading = Report an error on this site
report-intro = Tell us about a page of this site that does not open, shows wrong content or has a broken link. No account is needed.
report-submit = Send the report
report-next = We will check and fix the problem you reported.
report-next-email = We will check and fix the problem you reported and send the outcome to the e-mail address you gave.
field-page-url = Address of the page
field-page-url-hint = A web address starting with http:// or https://, or a path on this site starting with /.
page-url-invalid = Page address "{ $value }" is invalid. Give a full address starting with http:// or https://, such as https://www.jl.gov.cn/xxgk/.
field-description = Description of the problem
field-answer-email = E-mail for the answer
field-answer-email-hint = Optional. Stored encrypted and used only to send the outcome.

disclosure-heading = Apply for government information
disclosure-intro = Under the Regulations on the Disclosure of Government Information, you may ask an administrative body for government information. Give the applicant's details truthfully; they are stored encrypted.
disclosure-rule = The body answers within 20 working days of receiving the application. With the approval of its head it may extend this once, by at most 20 working days. While the applicant completes an unclear application, the time limit is paused.
disclosure-submit = Send the application
field-disclosure-org = Administrative body
field-applicant-name = Applicant's name
field-id-number = Identity card number
field-id-number-hint = The 18-character mainland resident identity card number; the last character may be X.
id-number-invalid = Identity card number "{ $value }" is invalid. Check the 18 characters, the date of birth and the check character (the last one, which may be X).
field-postal-address = Postal address
field-delivery-email-hint = Required when the information is to be sent by e-mail.
field-requested = Description of the information requested
field-requested-hint = Give the title, document number or other details that help to find it.
field-purpose = Purpose (optional)
field-delivery = Form of delivery
delivery-paper = On paper, by post
delivery-email = By e-mail
delivery-onsite = Collected in person
delivery-invalid = Form of delivery "{ $value }" is invalid. Choose paper, e-mail or in person.
delivery-email-missing = Delivery by e-mail needs an e-mail address. Fill it in.

consultation-dates = { $start } to { $end }
consultation-dates-label = Open for opinions
consultation-status-label = Status
consultation-status-upcoming = Not yet open
consultation-status-open = Open
consultation-status-closed = Closed
consultation-status-result = Result published
consultation-about = What is consulted
consultation-org-label = Organization
consultation-result = Result
consultation-response = How opinions were taken up
consultation-opinion-link = Give your opinion
consultation-back-link = Back to the consultation
consultations-heading = Consultations
consultations-intro = Government bodies ask the public for opinions on policy documents and important matters.
consultations-empty = There are no consultations yet.
field-opinion = Your opinion
opinion-heading = Your opinion on "{ $title }"
opinion-submit = Send the opinion
opinion-closed = This consultation takes opinions { $dates }, so it takes none today.
opinion-received-heading = Opinion received
opinion-received = Thank you for your opinion on "{ $title }".

hudong-heading = Interaction
hudong-intro = Answered messages whose writers agreed to publication, without personal data.
hudong-empty = No messages are published yet.
hudong-link = Back to Interaction
hudong-page = Page { $number }
hudong-stats-link = Statistics of answered messages
hudong-consultations-link = Consultations
hudong-message-section = Message
hudong-reply-section = Answer
hudong-stats-heading = Statistics of answered messages
hudong-stats-intro = Messages, error reports and information applications received and answered by each organization, per month over the last 12 months.
hudong-stats-empty = No figures for the last 12 months yet.
hudong-stats-month = { $month }
stats-org = Organization
stats-kind = Kind
stats-received = Received
stats-answered = Answered
stats-on-time = Answered on time
stats-average-days = Average working days
header-hudong-link = Interaction
header-account-link = My account
