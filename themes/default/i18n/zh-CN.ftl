# Messages of the default theme in Simplified Chinese, the platform's fallback language.
# Every key here must also be in en.ftl; a unit test of jiyue-render checks both files.

## Page frame

skip-to-content = 跳到主要内容
demo-label = 演示数据：本站内容仅用于演示，不是真实的政府信息。
sample-label = 示例内容
platform-name = 政府网站集约化平台
nav-label = 主导航
language-switch-label = 语言版本
breadcrumb-label = 当前位置
home-column-name = 首页

label-separator = ：
list-separator = ，

## Site search box in the header

search-label = 站内搜索
search-button = 搜索

## Footer

footer-label = 网站信息
footer-badge = 党政机关网站
footer-site-code = 网站标识码：{ $code }
footer-icp = ICP备案号：{ $number }
footer-public-security = 公安机关备案号：{ $number }
footer-sponsor = 主办单位：{ $name }
footer-operator = 承办单位：{ $name }
footer-phone = 联系电话：{ $phone }
footer-email = 电子邮箱：{ $email }
footer-address = 地址：{ $address }
footer-site-map = 网站地图
footer-error-report = 我为政府网站找错
footer-directory = 全省政府网站

## Lists and columns

more-link = 更多
more-label = 更多{ $column }
column-empty = 本栏目暂无信息。
feed-link = 订阅本栏目（Atom）
pagination-label = 分页
pagination-prev = 上一页
pagination-next = 下一页
pagination-page = 第 { $number } 页
pagination-summary = 共 { $total } 条，第 { $current }/{ $pages } 页

## Item pages

item-meta-label = 信息索引
item-index-number = 索引号
item-issuing-org = 发布机构
item-written-date = 成文日期
item-document-number = 发文字号
item-pub-date = 发布日期
item-subject = 主题分类
item-genre = 体裁分类
item-validity-label = 有效性
item-validity = { $validity ->
    [expired] 失效
    [repealed] 废止
    [amended] 已修订
   *[valid] 有效
}
item-source = 来源
item-author = 作者
item-editor = 责任编辑
item-keywords = 关键词
item-summary = 摘要
item-attachments = 附件
item-translations = 其他语言版本
item-also-on = 同时发布于
item-repealed-banner = 本文件已废止，仅供查阅，不再执行。
item-expired-banner = 本文件已失效，仅供查阅。
item-amended-banner = 本文件已修订，请以修订后的版本为准。

## Search

search-title = 搜索
search-query-label = 搜索词
search-scope-label = 搜索范围
search-scope-current = 本站
search-scope-all = 全部网站
search-total = 找到 { $total } 条结果
search-no-results = 没有找到相关信息，请换用其他搜索词。
search-empty-query = 请输入搜索词。
search-truncated = 搜索词过长，只按前 100 个字搜索。
search-results-label = 搜索结果
search-facet-site = 按网站
search-facet-year = 按年份
search-facets-label = 筛选结果

## Error pages

not-found-title = 页面不存在
not-found-body = 您访问的页面 { $path } 不存在，可能已经移动，或者地址有误。
not-found-home = 返回首页
not-found-host = 本平台没有托管网站 { $host }，请检查地址。
gone-title = 信息已撤下
gone-home = 返回首页
site-map-title = 网站地图

## Platform directory

directory-intro = 本平台托管的全部政府网站，按主办机构排列。

## Search over public services
search-service-label = 办事服务
search-services-only = 仅搜索办事服务事项。
search-all-kinds = 搜索全部内容

## One-stop services (办事服务)

services-title = 办事服务
services-description = 政务服务事项和办事指南，可按部门、生命周期事件、企业经营阶段和服务对象查找。
services-total = 共 { $count } 项服务
services-count = { $count } 项
services-none = 暂无已发布的服务事项。
services-search-label = 搜索服务事项
services-by-life-event = 个人办事：按生命周期
services-by-business-stage = 法人办事：按经营阶段
services-by-audience = 按服务对象
services-by-department = 按部门
services-stats-title = 办事统计
services-stats-intro = 以下为各服务事项的受理量和办结量，按月列出，数字按数据来源报送的原样公布，本平台不做推算。
services-stats-none = 尚未导入办事统计数据。
services-stats-month = 月份
services-stats-service = 服务事项
services-stats-received = 受理量
services-stats-completed = 办结量
services-stats-source = 数据来源
services-stats-imported-at = 导入时间
services-stats-sum = 以上 { $months } 个月合计

service-also-known-as = 又称
service-origin = 来源
service-origin-local = 本平台维护
service-origin-synced = 同步自 { $source }，最近同步 { $time }
service-updated-at = 最近更新
service-incomplete-note = 本事项的办事指南尚不完整，标明“暂未提供”的要素请向咨询电话核实。
service-incomplete-reason = 说明
service-not-provided = 暂未提供
service-not-applicable = 不涉及
service-no-file = 无
service-code = 事项编码
service-kind = 事项类型
service-implementing-org = 实施主体
service-legal-basis = 设定依据
service-conditions = 受理条件
service-materials = 申请材料
service-material-name = 材料名称
service-material-originals = 原件（份）
service-material-copies = 复印件（份）
service-material-blank-form = 空白表格
service-material-example = 示例样表
service-material-issuer = 出具单位
service-fee = 收费标准及依据
service-fee-free = 不收费
service-fee-standard = 收费标准
service-fee-basis = 收费依据
service-steps = 办理流程
service-statutory-days = 法定办结时限
service-promised-days = 承诺办结时限
service-working-days = { $count } 个工作日
service-due = 今日申请，预计 { $date } 前办结
service-provisional = 暂定
service-provisional-note = 该日期跨入国务院尚未公布节假日安排的年份，暂按只扣除周末计算，公布后会重新计算。
service-places = 办理地点和时间
service-hours = 办公时间
service-online-url = 在线办理地址
service-consult-phone = 咨询电话
service-complaint-phone = 监督投诉电话
service-audiences = 服务对象
service-life-events = 所属生命周期事件
service-business-stages = 所属企业经营阶段
service-notes = 其他说明
