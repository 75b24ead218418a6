// Unit test of paste-clean.js under node: `node paste-clean.test.js` exits 0 when every case
// passes. The samples imitate what Word and WPS put on the clipboard; they were written for
// this test.
'use strict';

var assert = require('assert');
var cleanPastedHtml = require('./paste-clean.js').cleanPastedHtml;

var cases = [];

function check(name, run) {
  cases.push({ name: name, run: run });
}

var WORD_SAMPLE = [
  '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>',
  '<meta name=ProgId content=Word.Document><link rel=File-List href="file:///C:/x/filelist.xml">',
  '<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->',
  '<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm;} --></style></head>',
  '<body lang=ZH-CN><!--StartFragment-->',
  '<p class=MsoNormal style="mso-margin-top-alt:auto;text-align:center;mso-pagination:widow-orphan">',
  '<b><span lang=EN-US style="font-size:16.0pt;font-family:\'Times New Roman\';mso-bidi-font-family:SimSun">',
  '关于开展2026年安全检查的通知</span></b><o:p></o:p></p>',
  '<p class=MsoListParagraph><![if !supportLists]><span style="mso-list:Ignore">1.<span ',
  'style="font:7.0pt \'Times New Roman\'">&nbsp;&nbsp; </span></span><![endif]>各单位自查。</p>',
  '<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>',
  '<p class=MsoNormal><img width=120 height=80 src="file:///C:/Users/a/AppData/image001.png" ',
  'v:shapes="Picture_1"><img src="data:image/png;base64,iVBORw0KGgo=" alt="印章"></p>',
  '<!--EndFragment--></body></html>'
].join('');

var WPS_SAMPLE = [
  '<!--StartFragment--><p style="margin-left:0pt;font-family:宋体;font-size:14pt;color:#000000">',
  '<span style="mso-spacerun:yes">&nbsp;&nbsp;</span><span style="font-family:仿宋_GB2312;',
  'font-size:16pt;color:rgb(0,0,0)">一、工作目标</span><span style="font-weight:bold">（重点）</span></p>',
  '<p style="font-family:宋体"><span>&#160;</span></p><p><font face="黑体">二、</font>',
  '<span lang="ZH-CN" class="15">措施</span></p><!--EndFragment-->'
].join('');

check('Word: Office-only markup is gone', function () {
  var html = cleanPastedHtml(WORD_SAMPLE).html;
  ['<!--', '<xml', '<style', '<meta', '<link', 'o:p', 'mso-', 'Mso', 'lang=', '<html', '<body',
    'StartFragment', 'font-family', 'font-size', 'v:shapes', '<![if', '<![endif]', 'file:']
    .forEach(function (needle) {
      assert.ok(html.indexOf(needle) < 0, 'still holds ' + needle + ': ' + html);
    });
});

check('Word: text, emphasis and alignment stay', function () {
  var html = cleanPastedHtml(WORD_SAMPLE).html;
  assert.ok(html.indexOf('<p style="text-align: center"><b>关于开展2026年安全检查的通知</b></p>') >= 0, html);
  assert.ok(html.indexOf('各单位自查。') >= 0, html);
});

check('Word: a paragraph of only a no-break space is removed', function () {
  var html = cleanPastedHtml(WORD_SAMPLE).html;
  assert.ok(!/<p>(&nbsp;|\s)*<\/p>/.test(html), html);
});

check('Word: disk images are dropped and counted, data images stay', function () {
  var result = cleanPastedHtml(WORD_SAMPLE);
  assert.strictEqual(result.droppedImages, 1);
  assert.ok(result.html.indexOf('<img src="data:image/png;base64,iVBORw0KGgo=" alt="印章">') >= 0,
    result.html);
});

check('WPS: fonts, colours and spacer spans are gone, bold stays', function () {
  var html = cleanPastedHtml(WPS_SAMPLE).html;
  assert.strictEqual(html,
    '<p style="margin-left: 0pt">一、工作目标<span style="font-weight: bold">（重点）</span></p>' +
    '<p>二、措施</p>');
});

check('plain web HTML passes unchanged', function () {
  var html = '<h2>标题</h2><p>正文<a href="https://www.gov.cn/">链接</a></p><ul><li>一</li></ul>';
  assert.strictEqual(cleanPastedHtml(html).html, html);
});

check('nested bare spans unwrap without losing the kept ones', function () {
  var html = '<p><span><span class="x">甲</span>乙</span></p>';
  assert.strictEqual(cleanPastedHtml(html).html, '<p><span class="x">甲</span>乙</p>');
});

check('event handler attributes are dropped', function () {
  var html = '<p onclick="alert(1)">甲</p>';
  assert.strictEqual(cleanPastedHtml(html).html, '<p>甲</p>');
});

check('empty input gives empty output', function () {
  assert.deepStrictEqual(cleanPastedHtml(''), { html: '', droppedImages: 0 });
  assert.deepStrictEqual(cleanPastedHtml(null), { html: '', droppedImages: 0 });
});

var failed = 0;
cases.forEach(function (testCase) {
  try {
    testCase.run();
    console.log('ok   ' + testCase.name);
  } catch (error) {
    failed += 1;
    console.log('FAIL ' + testCase.name + '\n     ' + error.message);
  }
});
console.log(cases.length - failed + ' of ' + cases.length + ' passed');
process.exit(failed === 0 ? 0 : 1);
