// Category pickers: a filter field narrows the checkboxes as you type (case and accents ignored),
// and the summary lists what is checked. Without this file every checkbox is simply shown.
(() => {
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();

  const setUp = (picker) => {
    if (picker.dataset.ready) return;
    picker.dataset.ready = "1";
    const search = picker.querySelector("[data-category-search]");
    const none = picker.querySelector("[data-category-none]");
    const summary = picker.querySelector("summary");
    const emptySummary = summary.dataset.empty || summary.textContent;
    const boxes = () => Array.from(picker.querySelectorAll("input[type=checkbox]"));

    const narrow = () => {
      const words = fold(search.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      picker.querySelectorAll("[data-category-group]").forEach((group) => {
        let inGroup = 0;
        group.querySelectorAll("[data-category-item]").forEach((item) => {
          const text = fold(item.textContent + " " + group.querySelector("legend").textContent);
          const visible = words.every((word) => text.includes(word));
          item.hidden = !visible;
          if (visible) inGroup += 1;
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      if (none) none.hidden = shown > 0;
    };

    const summarize = () => {
      const checked = boxes().filter((box) => box.checked).map((box) => box.value);
      summary.textContent = checked.length ? checked.join(", ") : emptySummary;
    };

    if (search) {
      search.hidden = false;
      search.addEventListener("input", narrow);
      // Enter in the filter field must not submit the whole form.
      search.addEventListener("keydown", (event) => {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    picker.addEventListener("change", summarize);
  };

  const start = () => document.querySelectorAll("[data-category-picker]").forEach(setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
