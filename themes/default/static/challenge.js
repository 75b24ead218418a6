// The self-hosted challenge of citizen forms. When a form carries data-challenge, this script
// searches for a number whose SHA-256 digest together with the seed starts with the required
// count of zero bits, and fills in the answer, so a person using a browser does nothing while
// a sender of bulk requests pays in computing time. Without scripts the form asks a small sum
// instead; the server accepts either answer.
(function () {
  "use strict";
  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { count += 1; b <<= 1; }
      return count;
    }
    return count;
  }
  async function solve(seed, bits) {
    var encoder = new TextEncoder();
    for (var n = 0; n < 50000000; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(seed + ":" + n));
      if (zeroBits(new Uint8Array(digest)) >= bits) { return n; }
    }
    return null;
  }
  var forms = document.querySelectorAll("form[data-challenge]");
  Array.prototype.forEach.call(forms, function (form) {
    if (!window.crypto || !crypto.subtle) { return; }
    var input = form.querySelector("input[name=challenge_answer]");
    if (!input) { return; }
    var field = input.closest(".challenge");
    var seed = form.getAttribute("data-challenge");
    var bits = parseInt(form.getAttribute("data-challenge-bits"), 10) || 16;
    solve(seed, bits).then(function (n) {
      if (n === null) { return; }
      input.value = "pow:" + n;
      if (field) { field.hidden = true; }
    });
  });
})();
