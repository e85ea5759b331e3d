// Show only the fieldset of the chosen schedule kind on the job form. Without JavaScript every
// kind's fieldset stays visible (and the model ignores the other kinds' fields).
"use strict";
(function () {
  function update(select) {
    const kind = select.value;
    document.querySelectorAll("fieldset.thx-kind").forEach(function (fieldset) {
      fieldset.hidden = !fieldset.classList.contains("thx-kind-" + kind);
    });
  }
  function start() {
    const select = document.getElementById("id_schedule_kind");
    if (!select) return;  // read-only (a declared job): every given field is shown
    update(select);
    select.addEventListener("change", function () { update(select); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
