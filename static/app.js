// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The branch switcher submits as soon as a branch is picked.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Stop double submits: a form's buttons are disabled once it is on its way.
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", () => {
      setTimeout(() => form.querySelectorAll("button[type='submit']").forEach((b) => (b.disabled = true)), 0);
    });
  }
});
