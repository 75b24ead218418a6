# Admin tools: the working-day calendar and the search terms editors maintain.

## 工作日历

admin-nav-calendar = 工作日历
admin-calendar-title = 工作日历
admin-calendar-missing-next-year = { $year }年节假日安排尚未录入。国务院办公厅公布安排后，请在工作日历中录入；录入前，涉及该年的办结期限只按周末计算，并标注“暂定”。
admin-calendar-load-link = 录入节假日安排
admin-calendar-notice-loaded = 已录入该年的节假日安排，办结期限将按新安排重新计算。
admin-calendar-years = 已录入的年份
admin-calendar-col-year = 年份
admin-calendar-col-loaded-by = 录入人
admin-calendar-col-loaded-at = 录入时间
admin-calendar-shipped = 随系统提供
admin-calendar-year-entries = { $year }年的节假日和调休上班日
admin-calendar-year-not-loaded = { $year }年尚未录入，该年只按周末计算工作日（暂定）。
admin-calendar-col-date = 日期
admin-calendar-col-kind = 类型
admin-calendar-col-name = 名称
admin-calendar-check-title = 查询日期
admin-calendar-check-date = 日期
admin-calendar-check-date-hint = 格式为 年-月-日，如 2027-01-04。
admin-calendar-check-days = 之后的工作日数
admin-calendar-check-button = 查询
admin-calendar-check-working = { $date } 是工作日
admin-calendar-check-off = { $date } 不是工作日
admin-calendar-check-later = { $date } 之后第 { $days } 个工作日是 { $later }
admin-calendar-provisional = 暂定
admin-calendar-error-check-date = 日期“{ $value }”格式不对，请写成 年-月-日，如 2027-01-04。
admin-calendar-error-check-days = 工作日数“{ $value }”无效，请填写 0 到 1000 之间的整数。
admin-calendar-load-title = 录入一年的节假日安排
admin-calendar-load-explain = 按国务院办公厅当年的通知，逐日列出放假日和调休上班日，格式与系统自带文件相同。重新录入某一年会替换该年原有的安排。
admin-calendar-load-year = 年份
admin-calendar-load-csv = 节假日安排（CSV）
admin-calendar-load-csv-hint = 第一行为 date,kind,name_zh,name_en，之后每行一天，如 2027-01-01,holiday,元旦,New Year's Day；kind 为 holiday（放假）或 adjusted_workday（调休上班）。
admin-calendar-load-file = 或上传 CSV 文件
admin-calendar-load-button = 录入
admin-calendar-error-header = 第 1 行应为 date,kind,name_zh,name_en，现为“{ $value }”。
admin-calendar-error-columns = 第 { $line } 行应有 4 列（date,kind,name_zh,name_en），现有 { $value } 列。名称中有逗号时请加引号。
admin-calendar-error-date = 第 { $line } 行：日期“{ $value }”无效，请写成 年-月-日，如 2027-10-01。
admin-calendar-error-kind = 第 { $line } 行：类型“{ $value }”无效，请用 holiday 或 adjusted_workday。
admin-calendar-error-name = 第 { $line } 行：{ $value } 列为空，请填写节日名称。
admin-calendar-error-csv = 第 { $line } 行无法读取（{ $value }），请检查引号。
admin-calendar-error-year = 年份“{ $value }”无效，请填写四位数年份，如 2027。
admin-calendar-error-outside-year = { $date } 不在 { $year } 年内，请更正日期或按其所在年份录入。
admin-calendar-error-duplicate = { $date } 重复列出，请删去一行。
admin-calendar-error-conflict = { $date } 既列为放假又列为调休上班，请按通知只保留一种。
admin-calendar-error-weekday = 调休上班日 { $date } 不是周六或周日，请核对日期。
admin-calendar-error-no-holiday = { $year } 年没有放假日，请录入国务院公布的该年放假安排。
admin-calendar-error-empty-name = { $date } 的 { $value } 为空，请填写节日名称。
admin-calendar-error-long-name = { $date } 的 { $value } 有 { $length } 个字符，请只填写节日名称（不超过 50 个字符）。
admin-calendar-error-missing-festival = { $year } 年没有名为「{ $value }」的放假日；2008 年以来每年的放假安排都有该节日，请录入完整的公告。

## 搜索词

admin-nav-search-terms = 搜索词
admin-search-terms-title = 搜索词
admin-search-terms-synonyms = 同义词
admin-search-terms-synonyms-explain = 同一组内的词在搜索时视为同一个词，如 身份证 = 居民身份证。修改后立即对新的搜索生效。
admin-search-terms-col-terms = 同义词组
admin-search-terms-col-updated = 修改时间
admin-search-terms-col-actions = 操作
admin-search-terms-edit = 修改
admin-search-terms-delete = 删除
admin-search-terms-delete-label = 删除同义词组 { $terms }
admin-search-terms-no-synonyms = 还没有同义词组。
admin-search-terms-add-title = 新增同义词组
admin-search-terms-edit-title = 修改同义词组
admin-search-terms-field-terms = 同义词
admin-search-terms-hint-terms = 用等号或换行分隔，如 身份证 = 居民身份证。
admin-search-terms-save = 保存同义词组
admin-search-terms-notice-saved = 已保存同义词组。
admin-search-terms-notice-deleted = 已删除同义词组。
admin-search-terms-notice-dismissed = 已从列表中移除该搜索词。
admin-search-terms-error-too-few = 同义词：一组至少要有两个不同的词，用等号分隔。
admin-search-terms-error-too-many = 同义词：一组最多 { $max } 个词，请拆成几组。
admin-search-terms-error-term = 同义词：“{ $term }”不是一个词：每个词最多 { $max } 个字符，不含逗号，词与词之间用等号或换行分隔。
admin-search-terms-error-duplicate = 同义词：“{ $term }”已在同义词组 { $group } 中，一个词只能属于一组，请把其他词加到那一组。
admin-search-terms-error-refused = 同义词组未能保存，可能刚被他人修改或删除，请刷新页面后再试。
admin-search-terms-misses = 无结果的搜索
admin-search-terms-misses-explain = 这些搜索没有找到任何结果。可据此补充同义词或内容，处理后将其移除。
admin-search-terms-col-query = 搜索词
admin-search-terms-col-count = 次数
admin-search-terms-col-last = 最近一次
admin-search-terms-dismiss = 移除
admin-search-terms-dismiss-label = 移除搜索词 { $query }
admin-search-terms-no-misses = 没有无结果的搜索。
