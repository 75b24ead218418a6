# Messages of the freshness and wording checks.

## Freshness faults

fresh-home-stale = 首页已 { $days } 天未更新（超过 { $veto } 天即单项否决）
fresh-column-stale = 栏目“{ $column }”已 { $days } 天未更新，超过更新时限 { $max } 天
fresh-column-due = 栏目“{ $column }”已 { $days } 天未更新，距更新时限 { $max } 天还剩 { $left } 天
fresh-column-blank = 栏目“{ $column }”没有已发布的信息，是空白栏目
fresh-stale-columns = { $count } 个栏目未按时更新（达到 { $veto } 个即单项否决）
fresh-timely-columns = { $count } 个动态要闻、通知公告、政策文件类栏目未按时更新（达到 { $veto } 个即单项否决）
fresh-blank-columns = 有 { $count } 个空白栏目（达到 { $veto } 个即单项否决）

## Wording faults on published pages

wording-fault-typo = “{ $title }”中有错别字“{ $found }”，应为“{ $suggestion }”（{ $count } 处）
wording-fault-misstatement = “{ $title }”中有严重表述错误“{ $found }”，应为“{ $suggestion }”（{ $count } 处）
wording-fault-official = “{ $title }”中领导姓名“{ $found }”有误，应为“{ $suggestion }”（{ $count } 处）
wording-fault-forbidden = “{ $title }”中有禁用词“{ $found }”（{ $count } 处）

## Wording lists page

wording-title = 用语检查词表
wording-explain = 错别字、严重表述错误、禁用词和现任领导的职务与姓名。编辑提交审核时和已发布内容的巡检都按这些词表检查，修改立即生效。
wording-list = 词表
wording-list-official = 现任领导
wording-list-misstatement = 严重表述错误
wording-list-forbidden = 禁用词
wording-list-typo = 错别字
wording-term = 错误写法、禁用词或领导职务
wording-term-hint = 领导职务按正文中紧挨姓名的写法填写，如“国家统计局局长”。
wording-replacement = 正确写法或领导姓名
wording-replacement-hint = 禁用词不填。领导姓名只用汉字。
wording-source = 来源（可选）
wording-add = 添加
wording-remove = 删除
wording-remove-entry = 删除“{ $term }”
wording-none = 暂无条目。
wording-error = 未保存：{ $reason }

## Inline check on the item form

wording-findings-title = 用语检查
wording-findings-blocking = 以下问题中有严重表述错误或禁用词，改正之前不能提交审核。
wording-findings-typos = 发现可能的错别字，请核对后再提交。
wording-kind-typo = 错别字
wording-kind-misstatement = 严重表述错误
wording-kind-official = 领导姓名错误
wording-kind-forbidden = 禁用词
wording-finding-where-title = 标题
wording-finding-where-body = 正文
wording-finding-found = 中的“{ $found }”（上下文：…{ $context }…）
wording-finding-suggestion = 应为“{ $suggestion }”。
wording-submit-blocked = 未提交：正文或标题中有“{ $found }”，属于严重表述错误或禁用词。请按下方用语检查改正后再提交。
