//! The sanitizer against content pasted from Word and WPS, and against XSS vectors.

use jiyue_render::{html_to_text, sanitize_html};

/// A paragraph and list as Word 2016 puts them on the clipboard.
const WORD_PASTE: &str = r#"<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom></w:WordDocument></xml><![endif]--><!--[if gte mso 10]><style>table.MsoNormalTable{mso-style-name:普通表格;}</style><![endif]-->
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;mso-line-height-rule:exactly'><span style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman"'>为深入贯彻落实党中央、国务院决策部署<span lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoListParagraph style='margin-left:21.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span lang=EN-US style='mso-bidi-font-family:Calibri'><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span></span><![endif]><span style='font-family:黑体'>加强组织领导</span><b><span lang=EN-US></span></b></p>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
<table class=MsoTableGrid border=1 cellspacing=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'><tr style='mso-yfti-irow:0'><td width=284 colspan=2 valign=top style='width:213.05pt;border:solid windowtext 1.0pt'><p class=MsoNormal><span>项目</span></p></td></tr></table>"#;

/// A WPS Office paste: its own comment markers, empty spans and font tags.
const WPS_PASTE: &str = r#"<!--StartFragment--><p class="MsoNormal" style="mso-pagination:widow-orphan;"><font face="仿宋">各市（州）人民政府</font><span style="mso-spacerun:'yes';"></span><span></span>：</p><p style="mso-line-height-alt:0pt;"><span style="font-family:宋体;mso-ascii-font-family:Calibri;"><![if !vml]><img width="554" height="300" src="file:///C:/Users/ADMINI~1/AppData/Local/Temp/ksohtml/wps1.png" v:shapes="图片_1"><![endif]></span></p><!--EndFragment-->"#;

#[test]
fn word_paste_loses_office_markup() {
    let cleaned = sanitize_html(WORD_PASTE);
    for leftover in [
        "mso-",
        "<o:p",
        "MsoNormal",
        "<span",
        "<xml",
        "WordDocument",
        "<!--",
        "[if",
        "endif",
        "style",
        "class=",
        "Normal</",
        "仿宋_GB2312",
    ] {
        assert!(!cleaned.contains(leftover), "{leftover} left in {cleaned}");
    }
}

#[test]
fn word_paste_keeps_text_and_structure() {
    let cleaned = sanitize_html(WORD_PASTE);
    assert!(
        cleaned.contains("<p>为深入贯彻落实党中央、国务院决策部署</p>"),
        "{cleaned}"
    );
    assert!(cleaned.contains("加强组织领导"));
    assert!(
        cleaned.contains("<td colspan=\"2\"><p>项目</p></td>"),
        "{cleaned}"
    );
    assert!(
        !cleaned.contains("<p>&nbsp;</p>"),
        "blank paragraph kept: {cleaned}"
    );
    assert!(!cleaned.contains("<b></b>"), "empty bold kept: {cleaned}");
}

#[test]
fn wps_paste_loses_office_markup() {
    let cleaned = sanitize_html(WPS_PASTE);
    assert_eq!(cleaned.matches("<p>").count(), 1, "{cleaned}");
    assert!(
        cleaned.starts_with("<p>各市（州）人民政府：</p>"),
        "{cleaned}"
    );
    for leftover in [
        "<font",
        "<span",
        "mso-",
        "StartFragment",
        "v:shapes",
        "file:",
    ] {
        assert!(!cleaned.contains(leftover), "{leftover} left in {cleaned}");
    }
}

#[test]
fn xss_vectors_are_removed() {
    let vectors = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "<a href=\"  javascript:alert(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
        "<svg><script>alert(1)</script></svg>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<iframe src=\"https://evil.example/\"></iframe>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<div onmouseover=\"alert(1)\">x</div>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"https://evil.example/\">",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<<script>script>alert(1)<</script>/script>",
        "<style>@import 'https://evil.example/x.css';</style>",
        "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
    ];
    for vector in vectors {
        let cleaned = sanitize_html(vector).to_ascii_lowercase();
        for forbidden in [
            "<script",
            "javascript:",
            "vbscript:",
            "onerror",
            "onload",
            "onmouseover",
            "<iframe",
            "style",
            "<svg",
            "<math",
            "<object",
            "<embed",
            "<form",
            "<meta",
            "<base",
            "data:",
            "@import",
        ] {
            assert!(
                !cleaned.contains(forbidden),
                "{forbidden} survived {vector}: {cleaned}"
            );
        }
    }
}

#[test]
fn allowed_images_keep_dimensions() {
    let cleaned = sanitize_html("<figure><img src=\"/files/a.png\" alt=\"示意图\" width=\"600\" height=\"400\" class=\"x\"><figcaption>图1</figcaption></figure>");
    assert_eq!(
        cleaned,
        "<figure><img src=\"/files/a.png\" alt=\"示意图\" width=\"600\" height=\"400\"><figcaption>图1</figcaption></figure>"
    );
}

#[test]
fn heading_one_becomes_text() {
    assert_eq!(sanitize_html("<h1>标题</h1><h6>小</h6>"), "标题<h6>小</h6>");
}

#[test]
fn word_paste_text_for_search() {
    let text = html_to_text(WORD_PASTE);
    assert!(
        text.starts_with("为深入贯彻落实党中央、国务院决策部署\n"),
        "{text}"
    );
    assert!(text.contains("加强组织领导"));
    assert!(!text.contains("mso"));
    assert!(!text.contains("Normal"));
}
