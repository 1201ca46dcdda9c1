// The consultation form lists the fields of every type: show only those of the chosen type.
(function () {
  "use strict";
  var form = document.querySelector("[data-consultation-form]");
  if (!form) return;
  var type = form.querySelector("select[name=type]");
  function update() {
    form.querySelectorAll("[data-consultation-type]").forEach(function (input) {
      var group = input.closest(".field");
      if (!group) return;
      group.hidden = input.getAttribute("data-consultation-type") !== type.value;
    });
  }
  type.addEventListener("change", update);
  update();
})();
