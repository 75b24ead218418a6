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
