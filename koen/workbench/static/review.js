// The Review grid's keyboard flow and small helpers (no other script, no framework):
// Ctrl+Enter in an English box approves it and moves to the next segment (the server redirects
// to it); Alt+ArrowDown goes to the next flagged segment still to review; Alt+Z undoes the last
// decision; "Use" puts a fuzzy match's English into the box (a suggestion, never applied alone);
// Korean selected in a source line fills the glossary term field.
(function () {
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.item")); }

  function focusRow(row) {
    if (!row) return;
    var box = row.querySelector("textarea[name=english]");
    row.scrollIntoView({block: "center"});
    if (box) { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }
  }

  function currentRow() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("tr.item") : null;
  }

  function nextFlagged() {
    var all = rows(), here = all.indexOf(currentRow());
    for (var i = here + 1; i < all.length; i++) {
      if (all[i].dataset.flagged === "yes") { focusRow(all[i]); return; }
    }
    for (var j = 0; j <= here && j < all.length; j++) {
      if (all[j].dataset.flagged === "yes") { focusRow(all[j]); return; }
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.name === "english") {
      event.preventDefault();
      var form = event.target.form;
      form.querySelector("button.approve").click();
    } else if (event.altKey && event.key === "ArrowDown") {
      event.preventDefault();
      nextFlagged();
    } else if (event.altKey && (event.key === "z" || event.key === "Z")) {
      var undo = document.getElementById("undo");
      if (undo) { event.preventDefault(); undo.click(); }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.use-match") : null;
    if (!button) return;
    var match = button.closest(".fuzzy"), row = button.closest("tr.item");
    var box = row.querySelector("textarea[name=english]");
    box.value = match.dataset.english;
    box.focus();
  });

  document.addEventListener("mouseup", function () {
    var selection = window.getSelection();
    var text = selection ? selection.toString().trim() : "";
    var field = document.getElementById("term-korean");
    if (!text || !selection.anchorNode || !field) return;
    var node = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement;
    if (node && node.closest(".source")) field.value = text;
  });

  // After a decision the server sends the page back with the next segment's anchor; focus its box
  // once the page (and the browser's own jump to the anchor) is done.
  window.addEventListener("load", function () {
    if (location.hash.indexOf("#item-") === 0) focusRow(document.getElementById(location.hash.slice(1)));
  });
})();
