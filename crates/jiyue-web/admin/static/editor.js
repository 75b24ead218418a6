// Turns every <textarea data-editor="rich"> of the admin into a Quill rich-text editor.
//
// Needs /static/editor/quill.js and /static/paste-clean.js loaded first. The textarea stays in
// the form, hidden, and receives the editor's HTML on submit, so the form still posts its
// field. Pasted HTML is cleaned of Word and WPS markup before Quill reads it; pictures are
// uploaded to /uploads and inserted by their address. Nothing here uses inline scripts,
// inline styles or eval, so it runs under the admin's Content Security Policy.
(function () {
  'use strict';

  // Toolbar buttons: what government articles need, each a real <button>.
  var TOOLBAR = [
    [{ header: 2 }, { header: 3 }, { header: 4 }],
    ['bold', 'italic', 'underline'],
    [{ list: 'ordered' }, { list: 'bullet' }],
    [{ align: '' }, { align: 'center' }, { align: 'right' }, { align: 'justify' }],
    ['link', 'image', 'table'],
    ['clean']
  ];

  // Chinese names of the toolbar buttons, by class and value.
  var LABELS = {
    'ql-header:2': '二级标题', 'ql-header:3': '三级标题', 'ql-header:4': '四级标题',
    'ql-bold': '加粗', 'ql-italic': '倾斜', 'ql-underline': '下划线',
    'ql-list:ordered': '编号列表', 'ql-list:bullet': '项目符号列表',
    'ql-align:': '左对齐', 'ql-align:center': '居中', 'ql-align:right': '右对齐',
    'ql-align:justify': '两端对齐',
    'ql-link': '链接', 'ql-image': '插入图片', 'ql-table': '插入表格', 'ql-clean': '清除格式'
  };

  var TABLE_ICON = '<svg viewBox="0 0 18 18" aria-hidden="true"><rect class="ql-stroke" ' +
    'x="2" y="3" width="14" height="12"></rect><line class="ql-stroke" x1="2" y1="7" x2="16" ' +
    'y2="7"></line><line class="ql-stroke" x1="2" y1="11" x2="16" y2="11"></line>' +
    '<line class="ql-stroke" x1="9" y1="3" x2="9" y2="15"></line></svg>';

  function csrfToken(form) {
    var field = form && form.querySelector('input[name="csrf"]');
    if (field) {
      return field.value;
    }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function labelToolbar(toolbar) {
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', '正文格式');
    Array.prototype.forEach.call(toolbar.querySelectorAll('button'), function (button) {
      var name = Array.prototype.filter.call(button.classList, function (c) {
        return c.indexOf('ql-') === 0 && c !== 'ql-active';
      })[0] || '';
      var key = button.hasAttribute('value') ? name + ':' + button.value : name;
      var label = LABELS[key] || LABELS[name];
      if (label) {
        button.setAttribute('aria-label', label);
        button.setAttribute('title', label);
      }
      if (name === 'ql-table') {
        button.innerHTML = TABLE_ICON;
      }
    });
  }

  function showNote(holder, text) {
    holder.textContent = text;
    holder.hidden = !text;
  }

  // Sends one file to /uploads and returns a promise of the server's JSON response.
  function upload(file, form) {
    var body = new FormData();
    body.append('csrf', csrfToken(form));
    body.append('file', file, file.name);
    return fetch('/uploads', {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken(form), Accept: 'application/json' }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.message || ('上传失败（' + response.status + '）'));
        }
        return answer;
      });
    });
  }

  // Returns the address to show: the 1600-pixel rendition when there is one.
  function displayUrl(answer) {
    var wide = answer.renditions && answer.renditions['1600'];
    return wide ? wide.url : answer.url;
  }

  function insertImages(quill, range, files, form, note) {
    var images = files.filter(function (file) { return /^image\//.test(file.type); });
    if (images.length === 0) {
      return;
    }
    showNote(note, '正在上传图片……');
    Promise.all(images.map(function (file) { return upload(file, form); })).then(function (answers) {
      var at = range ? range.index : quill.getLength();
      answers.forEach(function (answer) {
        quill.insertEmbed(at, 'image', displayUrl(answer), 'user');
        at += 1;
      });
      quill.setSelection(at, 0, 'silent');
      showNote(note, '');
    }).catch(function (error) {
      showNote(note, error.message);
    });
  }

  function pickImage(quill, form, note) {
    var input = document.createElement('input');
    input.type = 'file';
    input.accept = 'image/png,image/jpeg,image/gif,image/webp';
    input.multiple = true;
    input.addEventListener('change', function () {
      insertImages(quill, quill.getSelection(true), Array.from(input.files || []), form, note);
    });
    input.click();
  }

  function insertTable(quill, note) {
    var table = quill.getModule('table');
    if (!table) {
      showNote(note, '此编辑器不支持表格。');
      return;
    }
    quill.focus();
    table.insertTable(3, 3);
  }

  // Cleans pasted HTML before Quill's clipboard reads it.
  function hookPaste(quill, note) {
    var clipboard = quill.clipboard;
    var original = clipboard.onPaste.bind(clipboard);
    clipboard.onPaste = function (range, data) {
      if (!data || !data.html) {
        return original(range, data);
      }
      var cleaned = window.JiyuePasteClean.cleanPastedHtml(data.html);
      showNote(note, cleaned.droppedImages > 0
        ? '有 ' + cleaned.droppedImages + ' 张图片来自本机文件，无法随文字粘贴，' +
          '请用工具栏的「插入图片」按钮上传。'
        : '');
      return original(range, { html: cleaned.html, text: data.text });
    };
  }

  function options(form, note, quillRef) {
    return {
      theme: 'snow',
      modules: {
        table: true,
        toolbar: {
          container: TOOLBAR,
          handlers: {
            image: function () { pickImage(quillRef.quill, form, note); },
            table: function () { insertTable(quillRef.quill, note); }
          }
        },
        uploader: {
          mimetypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'],
          handler: function (range, files) {
            insertImages(quillRef.quill, range, Array.from(files), form, note);
          }
        },
        // Tab leaves the editor instead of indenting, so keyboard users are never trapped.
        keyboard: {
          bindings: {
            tab: false, indent: false, outdent: false, 'remove tab': false,
            'indent code-block': false, 'outdent code-block': false, 'table tab': false
          }
        }
      }
    };
  }

  // Returns the editor's HTML. Quill 2.0.3's getSemanticHTML writes every space as &nbsp;,
  // which stops lines from wrapping, so a lone one becomes a space again and a run keeps all
  // but its first.
  function semanticHtml(quill) {
    if (quill.getLength() <= 1) {
      return '';
    }
    return quill.getSemanticHTML().replace(/(?:&nbsp;)+/g, function (run) {
      return ' ' + run.slice('&nbsp;'.length);
    });
  }

  function mount(textarea) {
    var form = textarea.form;
    var holder = document.createElement('div');
    holder.className = 'rich-editor';
    var surface = document.createElement('div');
    var note = document.createElement('p');
    note.className = 'rich-editor-note';
    note.setAttribute('role', 'status');
    note.hidden = true;
    holder.appendChild(surface);
    holder.appendChild(note);
    textarea.parentNode.insertBefore(holder, textarea.nextSibling);

    var ref = {};
    var quill = new window.Quill(surface, options(form, note, ref));
    ref.quill = quill;
    quill.setContents(quill.clipboard.convert({ html: textarea.value, text: '' }), 'silent');
    hookPaste(quill, note);
    labelToolbar(holder.querySelector('.ql-toolbar'));

    quill.root.setAttribute('role', 'textbox');
    quill.root.setAttribute('aria-multiline', 'true');
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + '-label';
      quill.root.setAttribute('aria-labelledby', label.id);
      label.addEventListener('click', function () { quill.focus(); });
    } else {
      quill.root.setAttribute('aria-label', '正文');
    }

    textarea.hidden = true;
    textarea.removeAttribute('required');
    if (form) {
      form.addEventListener('submit', function () {
        textarea.value = semanticHtml(quill);
      });
    }
  }

  function start() {
    if (!window.Quill || !window.JiyuePasteClean) {
      return;
    }
    Array.prototype.forEach.call(
      document.querySelectorAll('textarea[data-editor="rich"]'), mount);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
