-- Scorecards against the 2019 national inspection indicators of government websites: the
-- editable rule table, seeded from reference/scorecard-rules-2019.toml, and one snapshot of
-- each site's scorecard per month.

-- One row per rule. Points and cap are hundredths of a point, so 0.1 points per broken link
-- is 10 and sums stay exact. threshold is the count (or percentage) at which a veto fires,
-- NULL for deductions. confirmed is true when the figures come from the named source;
-- false marks a placeholder for an operator to replace. updated_at and updated_by are NULL
-- until someone edits the row.
CREATE TABLE score_rules (
    code TEXT PRIMARY KEY,
    category TEXT NOT NULL
        CHECK (category IN ('veto', 'release', 'service', 'interaction', 'function')),
    description TEXT NOT NULL,
    points BIGINT NOT NULL CHECK (points BETWEEN 0 AND 10000),
    cap BIGINT NOT NULL CHECK (cap BETWEEN 0 AND 10000),
    veto BOOLEAN NOT NULL,
    threshold BIGINT,
    confirmed BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    updated_at BIGINT,
    updated_by BIGINT REFERENCES staff (id)
);

-- One scorecard per site and month (YYYY-MM, China time). total is hundredths of a point;
-- card is the scorecard as JSON. Storing a month again replaces its rows.
CREATE TABLE score_snapshots (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    month TEXT NOT NULL,
    total BIGINT NOT NULL,
    pass BOOLEAN NOT NULL,
    card TEXT NOT NULL,
    taken_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX score_snapshots_site_month ON score_snapshots (site_id, month);
CREATE INDEX score_snapshots_month ON score_snapshots (month);

INSERT INTO score_rules
    (code, category, description, points, cap, veto, threshold, confirmed, source)
VALUES
    ('veto-unreachable', 'veto', '站点无法访问：监测 1 周，每天访问 20 次以上，超过（含）15 秒仍打不开的次数累计占比达到阈值（%）', 0, 0, TRUE, 5, TRUE, '全国政府网站普查评分表 (2015 census), same figures in a 2022 quarterly check table applying the 2019 indicators: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-home-stale', 'veto', '首页不更新：监测 2 周，首页无信息更新（阈值为天数）', 0, 0, TRUE, 14, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-key-columns-stale', 'veto', '栏目不更新：2 周内未更新的动态、要闻类栏目与 6 个月内未更新的通知公告、政策文件类栏目累计达到阈值', 0, 0, TRUE, 5, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-columns-stale', 'veto', '栏目不更新：应更新但长期未更新的栏目数量达到阈值', 0, 0, TRUE, 10, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-columns-blank', 'veto', '栏目不更新：空白栏目（有栏目无内容）数量达到阈值', 0, 0, TRUE, 5, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-messages-unanswered', 'veto', '互动回应差：监测时间点前 1 年内，政务咨询类栏目存在超过 3 个月未回应的有效留言', 0, 0, TRUE, 1, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html'),
    ('veto-serious-error', 'veto', '严重错误：出现严重表述错误（例如将党和国家领导人姓名写错）', 0, 0, TRUE, 1, TRUE, '全国政府网站普查评分表: https://www.kunmingchi.com/archives/06vrjeklp5eg0245my9w.html; the 2019 wording 严重表述错误 appears in a 2022 quarterly check table of a civil-affairs bureau reproduced on a third-party page whose address the search tool did not return'),
    ('veto-security', 'veto', '安全事故：对页面被挂马、内容被篡改等安全攻击没有及时有效处置', 0, 0, TRUE, 1, TRUE, '2022 quarterly check table of a civil-affairs bureau applying the 2019 indicators, reproduced on a third-party page whose address the search tool did not return'),
    ('release-column-stale', 'release', '发布解读：栏目超过其更新周期未更新（每个栏目）', 100, 1000, FALSE, NULL, FALSE, 'Placeholder. A 2019 self-check applying the indicators took 5 points for a policy-document column not updated for 6 months: https://cpxtsg.com/gkml/wzcc/202102/t20210226_31892'),
    ('release-column-blank', 'release', '发布解读：空白栏目（每个栏目）', 100, 500, FALSE, NULL, FALSE, 'Placeholder; the per-column figure was not found in the sources opened.'),
    ('release-policy-uninterpreted', 'release', '发布解读：政策文件未关联政策解读（每份文件）', 100, 500, FALSE, NULL, FALSE, 'Placeholder; the per-document figure was not found in the sources opened.'),
    ('service-guide-incomplete', 'service', '办事服务：办事指南要素不完整（每个事项）', 100, 1000, FALSE, NULL, FALSE, 'Placeholder; the per-item figure was not found in the sources opened. The guide elements (事项名称、设定依据、申请条件、办理材料 …) are listed in a 2022 check table applying the 2019 indicators.'),
    ('interaction-answer-late', 'interaction', '互动交流：留言超过答复期限才答复（每条留言）', 100, 500, FALSE, NULL, FALSE, 'Placeholder. A 2019 self-check applying the indicators took 3 points for replies not updated within 2 months: https://cpxtsg.com/gkml/wzcc/202102/t20210226_31892'),
    ('function-home-broken-link', 'function', '功能设计：首页不可用链接（每个链接）', 100, 500, FALSE, NULL, FALSE, 'Placeholder; the census table counts broken links on the home page and other pages, but the sources opened show no per-link figure: http://wsb.nanning.gov.cn/xxgk/zwdt/tzgg/t206701.html'),
    ('function-inner-broken-link', 'function', '功能设计：其他页面不可用链接（每个链接）', 10, 500, FALSE, NULL, FALSE, 'Placeholder; see function-home-broken-link.'),
    ('function-search-broken', 'function', '功能设计：站内搜索无法使用', 500, 500, FALSE, NULL, FALSE, 'Placeholder; the figure was not found in the sources opened.'),
    ('function-standards-failed', 'function', '功能设计：页面不符合网页设计规范（元数据、页面结构，每个页面）', 50, 500, FALSE, NULL, FALSE, 'Placeholder; the figure was not found in the sources opened.'),
    ('function-inaccessible-page', 'function', '功能设计：页面无障碍检查不通过（每个页面）', 50, 500, FALSE, NULL, FALSE, 'Placeholder; the figure was not found in the sources opened.');
