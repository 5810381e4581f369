// "Add to glossary": Korean selected in a source line fills the term field (no other script).
document.addEventListener("mouseup", function () {
  var selection = window.getSelection();
  var text = selection ? selection.toString().trim() : "";
  if (!text || !selection.anchorNode) return;
  var node = selection.anchorNode.nodeType === 1 ? selection.anchorNode : selection.anchorNode.parentElement;
  if (node && node.closest(".source")) document.getElementById("term-korean").value = text;
});
