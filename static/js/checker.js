// Progressive enhancement for the checker; every page works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so keyboard and screen-reader users hear it first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
    var copy = document.querySelector("[data-copy]");
    var status = document.querySelector(".share__status");
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        var field = document.querySelector(copy.getAttribute("data-copy"));
        field.select();
        var done = function () { if (status) { status.textContent = "链接已复制。"; } };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
        } else {
          document.execCommand("copy");
          done();
        }
      });
    }
    var print = document.querySelector("[data-print]");
    if (print) {
      print.hidden = false;
      print.addEventListener("click", function () { window.print(); });
    }
  });
})();
