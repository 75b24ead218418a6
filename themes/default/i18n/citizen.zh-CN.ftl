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
my-case-number = 编号
my-case-kind = 类型
my-case-state = 办理状态
my-case-received = 收到日期
my-case-org = 办理单位
my-case-due = 答复期限
my-case-progress = 办理情况
my-case-written = 您提交的内容
my-case-reply = 答复
my-case-reply-org = 答复单位
my-case-reply-date = 答复日期
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

## Case forms and the public interaction pages (/hudong/, /zhaocuo, /ysqgk)

case-received-heading = 提交成功
case-received-notice = 您的{ $kind }已收到，编号为 { $no }。请保存编号以便查询。
case-no-label = 编号
case-kind-label = 类型
case-received-on-label = 收到日期
case-replied-on-label = 答复日期
case-reply-org-label = 答复单位
case-next-label = 后续办理
case-my-link = 查看我的留言和申请
case-form-unreadable = 表单无法读取或超过大小限制，请刷新页面后重新提交；附件合计不要超过 15 MB。
case-form-too-large = 表单内容过长，请删减后重新提交。
case-attachment-large = 附件“{ $name }”超过 5 MB，请压缩或拆分后重新上传。
case-attachment-many = 附件最多 { $max } 个，请删去多余的附件后重新提交。
case-attachment-kind = 附件“{ $name }”不是 PDF、JPEG 或 PNG 文件，请转换为这些格式后重新上传。
case-rate-limited = 提交过于频繁，已达到上限，请一小时后再试；每个账号和网络每小时最多提交 5 次、每天最多 20 次（纠错和意见为 10 次和 30 次）。
case-field-missing = 请填写“{ $field }”。
case-field-long = “{ $field }”有 { $count } 个字，请缩短到 { $max } 个字以内。
case-org-invalid = 所选单位“{ $value }”不在本网站的单位范围内，请从列表中选择。
case-category-invalid = 留言类别“{ $value }”无效，请选择咨询、建议或投诉。
case-visibility-invalid = 公开方式“{ $value }”无效，请选择公开或不公开。

message-heading = 我要写信
message-intro = 请选择受理单位并写明事项。单位收到后将按规定时限办理和答复，答复结果可在“我的留言和申请”中查看。
message-submit = 提交留言
message-next = 受理单位将在规定时限内办理和答复。选择公开并同意发布的留言，答复后将在本网站公开（个人信息已隐去）。
field-org = 受理单位
field-category = 留言类别
category-consultation = 咨询
category-suggestion = 建议
category-complaint = 投诉
field-subject = 标题
field-body = 内容
field-contact-mobile = 联系电话
field-contact-mobile-hint = 可不填；仅用于办理时联系您，加密保存，不会公开。
field-visibility = 是否公开
visibility-public = 公开
visibility-private = 不公开
field-consent = 我同意在答复后公开本留言（个人信息将隐去）
field-consent-hint = 仅在选择“公开”时有效。
field-attachments = 附件
field-attachments-hint = 可不上传；最多 { $max } 个 PDF、JPEG 或 PNG 文件，每个不超过 5 MB。

report-heading = 我为政府网站找错
report-intro = 发现本网站的页面无法访问、内容错误或链接失效，请告诉我们。无需登录。
report-submit = 提交纠错
report-next = 我们将核实并处理您反映的问题。
report-next-email = 我们将核实并处理您反映的问题，处理结果将发送到您填写的电子邮箱。
field-page-url = 出错页面地址
field-page-url-hint = 填写以 http:// 或 https:// 开头的网址，或本网站以 / 开头的路径。
page-url-invalid = 页面地址“{ $value }”无效：请填写以 http:// 或 https:// 开头的完整网址，例如 https://www.jl.gov.cn/xxgk/。
field-description = 问题描述
field-answer-email = 接收答复的电子邮箱
field-answer-email-hint = 可不填；加密保存，仅用于发送处理结果。

disclosure-heading = 政府信息公开申请
disclosure-intro = 依照《中华人民共和国政府信息公开条例》，您可以向行政机关申请获取政府信息。请如实填写申请人信息，所填个人信息加密保存。
disclosure-rule = 行政机关收到申请之日起 20 个工作日内予以答复；需要延长答复期限的，经负责人同意可延长一次，延长期限最长不超过 20 个工作日。申请内容不明确需要补正的，补正期间不计算在答复期限内。
disclosure-submit = 提交申请
field-disclosure-org = 申请公开的行政机关
field-applicant-name = 申请人姓名
field-id-number = 身份证号码
field-id-number-hint = 18 位中国大陆居民身份证号码，末位可以是 X。
id-number-invalid = 身份证号码“{ $value }”无效：请核对 18 位号码的出生日期和校验位（末位可以是 X）。
field-postal-address = 通信地址
field-delivery-email-hint = 选择通过电子邮件获取时必填。
field-requested = 所需政府信息的内容描述
field-requested-hint = 请写明信息的名称、文号或便于查询的其他特征。
field-purpose = 用途（可不填）
field-delivery = 获取信息的方式
delivery-paper = 纸质（邮寄）
delivery-email = 电子邮件
delivery-onsite = 当面领取
delivery-invalid = 获取方式“{ $value }”无效，请选择纸质、电子邮件或当面领取。
delivery-email-missing = 选择通过电子邮件获取时，请填写电子邮箱。

consultation-dates = { $start } 至 { $end }
consultation-dates-label = 征集时间
consultation-status-label = 状态
consultation-status-upcoming = 未开始
consultation-status-open = 正在征集
consultation-status-closed = 已结束
consultation-status-result = 已公布结果
consultation-about = 征集内容
consultation-org-label = 发布单位
consultation-result = 征集结果
consultation-response = 采纳情况说明
consultation-opinion-link = 我要提意见
consultation-back-link = 返回征集详情
consultations-heading = 征集调查
consultations-intro = 政府部门就政策文件和重要事项公开征求意见。
consultations-empty = 暂无征集调查。
field-opinion = 您的意见
opinion-heading = 对“{ $title }”提出意见
opinion-submit = 提交意见
opinion-closed = 本次征集的时间为 { $dates }，当前不在征集期内，无法提交意见。
opinion-received-heading = 意见已收到
opinion-received = 感谢您对“{ $title }”提出意见。

hudong-heading = 互动交流
hudong-intro = 以下是已答复并经留言人同意公开的留言，个人信息已隐去。
hudong-empty = 暂无公开的留言。
hudong-link = 返回互动交流
hudong-page = 第 { $number } 页
hudong-stats-link = 留言办理统计
hudong-consultations-link = 征集调查
hudong-message-section = 留言内容
hudong-reply-section = 答复内容
hudong-stats-heading = 留言办理统计
hudong-stats-intro = 近 12 个月各单位收到和答复的留言、纠错和政府信息公开申请，按月统计。
hudong-stats-empty = 近 12 个月暂无统计数据。
hudong-stats-month = { $month } 月
stats-org = 单位
stats-kind = 类型
stats-received = 收到
stats-answered = 答复
stats-on-time = 按时答复
stats-average-days = 平均用时（工作日）
header-hudong-link = 互动交流
header-account-link = 我的
