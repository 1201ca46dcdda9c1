// "Répéter" on the action form: show the recurrence fields only when asked, the weekdays only for weeks, the
// day of the month only for months and years; follow the due date (labels, default weekday and end) until the
// user changes them. Without this file every field is shown and the server words the choices.
(() => {
  const box = document.querySelector("[data-recurrence]");
  if (!box) return;
  const form = box.closest("form");
  const repeat = form.querySelector("[name=repeat]");
  const unit = form.querySelector("[name=recurrence_unit]");
  const end = form.querySelector("[name=recurrence_end]");
  const due = form.querySelector("[name=due_at]");
  const fields = box.querySelector("[data-recurrence-fields]");
  const weekdays = box.dataset.labelWeekdays.split(",");
  const ranks = box.dataset.labelRanks.split(",");
  let endTouched = false;
  let weekdaysTouched = false;

  const show = () => {
    fields.hidden = !repeat.checked;
    box.querySelectorAll("[data-recurrence-for]").forEach((part) => {
      part.hidden = !part.dataset.recurrenceFor.split(" ").includes(unit.value);
    });
  };

  const pad = (n) => String(n).padStart(2, "0");
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const plusTwoMonths = (d) => {
    const last = new Date(d.getFullYear(), d.getMonth() + 3, 0).getDate();
    return new Date(d.getFullYear(), d.getMonth() + 2, Math.min(d.getDate(), last));
  };

  const startDay = () => {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(due ? due.value : "");
    return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
  };

  const follow = () => {
    const start = startDay();
    if (!start) return;
    const weekday = weekdays[(start.getDay() + 6) % 7]; // JavaScript weeks start on Sunday, ours on Monday
    const values = { day: start.getDate(), rank: ranks[Math.floor((start.getDate() - 1) / 7)], weekday };
    ["day", "nth", "last"].forEach((choice) => {
      const input = box.querySelector(`[name=recurrence_monthly][value=${choice}]`);
      const label = input && input.closest("label").querySelector("span");
      if (label) label.textContent = box.dataset[`label${choice[0].toUpperCase()}${choice.slice(1)}`].replace(/\{(\w+)\}/g, (_, key) => values[key]);
    });
    if (!weekdaysTouched) {
      box.querySelectorAll("[name=recurrence_weekdays]").forEach((input) => {
        input.checked = Number(input.value) === (start.getDay() + 6) % 7;
      });
    }
    if (!endTouched && end) end.value = iso(plusTwoMonths(start));
  };

  // A form sent back with errors keeps what the user chose.
  const first = startDay();
  if (first && end && end.value && end.value !== iso(plusTwoMonths(first))) endTouched = true;
  repeat.addEventListener("change", show);
  unit.addEventListener("change", show);
  if (end) end.addEventListener("change", () => { endTouched = true; });
  box.addEventListener("change", (event) => {
    if (event.target.name === "recurrence_weekdays") weekdaysTouched = true;
  });
  if (due) due.addEventListener("change", follow);
  show();
})();
