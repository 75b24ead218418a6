# Citizen pages: accounts and sign-in on the identity host, and the case forms of every site.

form-required = （必填）
form-expired = 表单已过期或来自其他页面，请刷新页面后重新提交。
form-foreign-origin = 该表单来自其他网站，已拒绝；请在本网站页面上重新填写。
rate-limited = 操作过于频繁，请稍后再试。
challenge-question = 请计算 { $a } 加 { $b } 等于多少（用数字填写）
challenge-hint = 为防止批量提交，操作较频繁时需要验证。浏览器启用脚本时将自动完成。
challenge-failed = 验证未通过或已过期，请重新填写验证答案后提交。

field-mobile = 手机号码
field-email = 电子邮箱
field-account = 手机号码或电子邮箱
field-account-hint = 填写注册时使用的手机号码或电子邮箱。
field-password = 密码
field-new-password = 新密码
password-hint = 至少 8 个字符，可使用任意字符；建议使用不易猜到的短语。
field-code = 短信验证码
field-display-name = 称呼
field-display-name-new-hint = 首次登录时填写，用于在留言中称呼您；可不填。
field-kind = 账号类型
kind-person = 个人
kind-business = 法人（企业或其他组织）
field-address = 通讯地址
field-address-hint = 仅用于办理您提交的事项，加密保存。
field-business-name = 单位名称
field-credit-code = 统一社会信用代码

mobile-invalid = 手机号码“{ $value }”无效：请填写 11 位中国大陆手机号码，例如 13800138000。
email-invalid = 电子邮箱“{ $value }”无效：请填写形如 name@example.cn 的地址。
password-length = 密码长度须为 { $min } 至 { $max } 个字符，请修改后重试。
display-name-missing = 请填写称呼。
address-too-long = 通讯地址不能超过 200 个字符，请精简后重试。
business-name-too-long = 单位名称不能超过 100 个字符，请精简后重试。
credit-code-invalid = 统一社会信用代码“{ $value }”无效（{ $reason }），请核对后重试。
default-display-name = 用户{ $tail }

signin-heading = 登录
signin-intro = 一个账号可登录本平台所有政府网站。首次使用手机号码登录即自动注册。
signin-mobile-heading = 手机号码登录或注册
signin-send-code = 获取验证码
signin-password-heading = 密码登录
signin-submit = 登录
signin-wrong = 账号或密码不正确，请重试；忘记密码可以重置。
signup-email-heading = 使用电子邮箱注册
signup-email-intro = 我们将向该邮箱发送一个验证链接，点击后设置称呼和密码即完成注册。
signup-email-submit = 发送验证邮件
signup-email-sent-heading = 请查收邮件
signup-email-sent = 我们已向 { $email } 发送了一封邮件，请按邮件中的说明继续。如未收到，请检查垃圾邮件或稍后重试。
signin-failed-heading = 登录未完成
signin-again = 重新登录
signin-state-invalid = 登录请求已过期或已使用，请重新登录。
signin-provider-error = 认证服务返回了错误（{ $error }），请重新登录。
federation-link = 使用{ $name }登录
federation-failed = 通过上级统一身份认证登录失败：{ $reason }。请稍后重试或改用其他方式登录。

code-heading = 输入短信验证码
code-intro = 验证码已发送至 { $mobile }，10 分钟内有效。
code-resend-link = 没有收到？重新获取
code-wrong = 验证码不正确，还可尝试 { $left } 次。
code-missing = 验证码不正确或已失效，请重新获取。
code-too-soon = 验证码发送过于频繁：同一号码每分钟最多 1 次、每小时最多 5 次，请稍后再试。
code-send-failed = 短信发送失败，请稍后重试。
sms-code = 【政府网站集约化平台】您的验证码是 { $code }，{ $minutes } 分钟内有效。请勿告诉他人。

mail-send-failed = 邮件发送失败，请稍后重试。
mail-verify-subject = 请验证您的电子邮箱
mail-verify-body = 您好：

    请打开以下链接完成注册（{ $hours } 小时内有效）：
    { $link }

    如果这不是您本人的操作，请忽略本邮件。
mail-registered-subject = 您已注册过账号
mail-registered-body = 您好：

    有人使用本邮箱申请注册，但该邮箱已经注册过账号。
    直接登录：{ $signin }
    忘记密码：{ $reset }

    如果这不是您本人的操作，请忽略本邮件。
mail-reset-subject = 重置密码
mail-reset-body = 您好：

    请打开以下链接设置新密码（1 小时内有效）：
    { $link }

    如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。

verify-heading = 完成注册
verify-intro = 请设置称呼和密码。
verify-submit = 完成注册
link-invalid = 链接无效、已过期或已使用，请重新申请。

reset-link = 忘记密码
reset-heading = 重置密码
reset-intro = 填写注册时使用的手机号码或电子邮箱。
reset-submit = 下一步
reset-email-sent = 如果 { $email } 已注册，我们已向其发送重置密码的链接，请查收。
reset-code-intro = 如果 { $mobile } 已注册，验证码已发送至该号码。请输入验证码并设置新密码。
reset-save = 设置新密码
reset-done = 密码已重置，所有设备上的登录均已退出，请使用新密码登录。

account-heading = 我的账号
account-kind = 账号类型
account-assurance = 实名认证
assurance-unverified = 未认证
assurance-verified = 已通过 { $source } 认证
account-none = 未填写
account-profile-heading = 个人资料
account-save = 保存资料
account-saved = 资料已保存。
account-password-heading = 设置密码
account-password-save = 保存密码
password-saved = 密码已保存。
account-home-link = 返回我的账号
account-manage-link = 管理我的账号

signout-heading = 退出登录
signout-intro = 退出后，本平台所有网站上的登录都将结束。
signout-submit = 退出登录

delete-link = 注销账号
delete-heading = 注销账号
delete-intro = 注销后，您的账号和手机号码、电子邮箱、地址等个人信息将被删除且无法恢复。已提交的留言和申请作为政府工作记录保留，但其中的联系方式会被清除。
delete-confirm-label = 请输入“注销”二字确认
delete-confirm-hint = 此操作无法撤销。
delete-confirm-word = 注销
delete-confirm-wrong = 确认文字不正确，请输入“注销”二字。
delete-submit = 注销账号
delete-done = 账号已注销，个人信息已删除。

my-heading = 我的办事
my-intro = { $name }，您好。以下是您在本平台提交的留言和申请。
my-cases = 我的留言和申请
my-cases-none = 暂无
my-cases-failed = 暂时无法读取，请稍后刷新。
message-write-link = 我要写信
disclosure-link = 申请政府信息公开

case-kind-message = 留言
case-kind-error-report = 网站纠错
case-kind-disclosure = 依申请公开
case-state-received = 已收到
case-state-in-progress = 办理中
case-state-paused = 待补正
case-state-answered = 已答复
case-state-rejected = 不予受理
