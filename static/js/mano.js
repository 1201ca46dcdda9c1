// Small progressive enhancements; every page works without this file.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined) {
    target.form.requestSubmit();
  }
});
// The live person search of the action form: Enter searches at once instead of sending the whole form.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key === "Enter" && target instanceof HTMLInputElement && target.dataset.liveSearch !== undefined) {
    event.preventDefault();
    target.dispatchEvent(new Event("search"));
  }
});
