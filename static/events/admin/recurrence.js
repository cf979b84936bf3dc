/* The recurrence builder and the series' date pickers of the event editor (events/widgets.py).
 *
 * Two Stimulus controllers registered on Wagtail's admin application: Stimulus connects them
 * whenever their element appears, so they work for widgets Wagtail renders through telepath
 * and for changes to single dates added from the inline panel's template.
 *
 * The builder writes the RRULE text into the real field (the one the form sends), in the
 * order events.recurrence.compose_rule writes it. It never reads RFC 5545 itself: the
 * preview endpoint says the rule in words, lists its dates and, when the text was typed,
 * gives back its parts (or none, when the builder cannot show the rule).
 */
(() => {
  const { Controller } = window.StimulusModule;
  const CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
  const DATES_EVENT = "essaim-recurrence:dates";
  const CUSTOM = "CUSTOM";
  // The last dates the preview gave: a change added later fills its picker with them.
  let latestChoices = null;

  const capitalise = (text) => (text ? text.charAt(0).toLocaleUpperCase() + text.slice(1) : text);

  class RecurrenceController extends Controller {
    static targets = [
      "frequency",
      "builder",
      "interval",
      "unit",
      "weekdays",
      "weekday",
      "monthly",
      "monthMode",
      "monthDay",
      "nth",
      "nthWeekday",
      "endMode",
      "until",
      "count",
      "words",
      "problem",
      "total",
      "datesHeading",
      "dates",
      "advanced",
      "notice",
      "rule",
    ];

    static values = {
      previewUrl: String,
      fields: Object,
      units: Object,
      customLabel: String,
    };

    connect() {
      this.form = this.element.closest("form");
      this.startInfo = null;
      this.timer = null;
      this.request = null;
      this.plural = new Intl.PluralRules(document.documentElement.lang || "fr");
      this.onFormChange = (event) => {
        const name = event.target && event.target.name;
        if (name && Object.values(this.fieldsValue).includes(name)) this.refresh();
      };
      if (this.form) {
        this.form.addEventListener("change", this.onFormChange);
        this.form.addEventListener("input", this.onFormChange);
        // Wagtail's date-time picker announces its choice through jQuery only.
        if (window.jQuery) {
          this.jQueryFields = ["start", "end"]
            .map((key) => this.field(key))
            .filter(Boolean)
            .map((input) => window.jQuery(input));
          this.jQueryFields.forEach((field) => field.on("change.essaimRecurrence", () => this.refresh()));
        }
      }
      this.showSections();
      // Browsers may restore typed values on reload: the builder follows the text it finds.
      this.fromText = true;
      this.refresh(0);
    }

    disconnect() {
      if (this.form) {
        this.form.removeEventListener("change", this.onFormChange);
        this.form.removeEventListener("input", this.onFormChange);
      }
      (this.jQueryFields || []).forEach((field) => field.off("change.essaimRecurrence"));
      clearTimeout(this.timer);
      if (this.request) this.request.abort();
    }

    field(key) {
      if (!this.form) return null;
      const name = this.fieldsValue[key];
      return name ? this.form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    }

    // Builder -> rule ------------------------------------------------------------------

    build(event) {
      const frequency = this.frequencyTarget.value;
      if (frequency === CUSTOM) return;
      if (event && event.target === this.frequencyTarget) {
        this.setCustom(false);
        this.startDefaults(frequency);
      }
      this.ruleTarget.value = this.compose();
      // Wagtail watches the form for unsaved changes.
      this.ruleTarget.dispatchEvent(new Event("change", { bubbles: true }));
      this.showSections();
      this.refresh();
    }

    pickMonthDay() {
      this.check(this.monthModeTargets, "day");
      this.build();
    }

    pickNth() {
      this.check(this.monthModeTargets, "nth");
      this.build();
    }

    pickUntil() {
      this.check(this.endModeTargets, "until");
      this.build();
    }

    pickCount() {
      this.check(this.endModeTargets, "count");
      this.build();
    }

    check(radios, value) {
      radios.forEach((radio) => {
        radio.checked = radio.value === value;
      });
    }

    checked(radios) {
      const radio = radios.find((item) => item.checked);
      return radio ? radio.value : null;
    }

    compose() {
      const frequency = this.frequencyTarget.value;
      if (!frequency) return "";
      const items = [`FREQ=${frequency}`];
      const interval = parseInt(this.intervalTarget.value, 10);
      if (interval > 1) items.push(`INTERVAL=${interval}`);
      if (frequency === "WEEKLY") {
        const days = this.weekdayTargets.filter((box) => box.checked).map((box) => box.value);
        if (days.length) items.push(`BYDAY=${days.join(",")}`);
      }
      if (frequency === "MONTHLY") {
        if (this.checked(this.monthModeTargets) === "nth") {
          items.push(`BYDAY=${this.nthTarget.value}${CODES[Number(this.nthWeekdayTarget.value)]}`);
        } else {
          const day = parseInt(this.monthDayTarget.value, 10);
          if (day >= 1 && day <= 31) items.push(`BYMONTHDAY=${day}`);
        }
      }
      const end = this.checked(this.endModeTargets);
      const count = parseInt(this.countTarget.value, 10);
      const until = this.untilTarget.value;
      if (end === "count" && count >= 1) items.push(`COUNT=${count}`);
      if (end === "until" && /^\d{4}-\d{2}-\d{2}$/.test(until)) items.push(`UNTIL=${until.replaceAll("-", "")}`);
      return items.join(";");
    }

    // What the start gives when a frequency is first chosen: its weekday, its day.
    startDefaults(frequency) {
      const start = this.startInfo || this.guessStart();
      if (!start) return;
      if (frequency === "WEEKLY" && !this.weekdayTargets.some((box) => box.checked)) {
        this.weekdayTargets.forEach((box) => {
          box.checked = Number(box.dataset.weekday) === start.weekday;
        });
      }
      if (frequency === "MONTHLY") {
        if (!this.monthDayTarget.value) this.monthDayTarget.value = start.day;
        if (!this.checked(this.monthModeTargets)) this.check(this.monthModeTargets, "day");
        if (this.checked(this.monthModeTargets) === "day") {
          this.nthTarget.value = String(start.nth);
          this.nthWeekdayTarget.value = String(start.weekday);
        }
      }
    }

    guessStart() {
      const input = this.field("start");
      const match = input && /^(\d{4})-(\d{2})-(\d{2})/.exec(input.value);
      if (!match) return null;
      const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
      const day = date.getDate();
      return { weekday: (date.getDay() + 6) % 7, day, nth: day > 28 ? -1 : Math.ceil(day / 7) };
    }

    showSections() {
      const frequency = this.frequencyTarget.value;
      this.builderTarget.hidden = !frequency || frequency === CUSTOM;
      this.weekdaysTarget.hidden = frequency !== "WEEKLY";
      this.monthlyTarget.hidden = frequency !== "MONTHLY";
      const units = this.unitsValue[frequency];
      if (units) {
        const interval = parseInt(this.intervalTarget.value, 10) || 1;
        this.unitTarget.textContent = this.plural.select(interval) === "one" ? units[0] : units[1];
      }
      if (this.startInfo) {
        this.monthDayTarget.placeholder = String(this.startInfo.day);
      }
    }

    // Rule -> builder (typed under "Advanced") ----------------------------------------

    ruleTyped() {
      this.fromText = true;
      this.refresh();
    }

    applyParts(parts) {
      this.frequencyTarget.value = parts.frequency;
      this.intervalTarget.value = parts.interval;
      this.weekdayTargets.forEach((box) => {
        box.checked = parts.weekdays.includes(Number(box.dataset.weekday));
      });
      if (parts.nth !== null) {
        this.check(this.monthModeTargets, "nth");
        this.nthTarget.value = String(parts.nth);
        this.nthWeekdayTarget.value = String(parts.nth_weekday);
      } else {
        this.check(this.monthModeTargets, "day");
        this.monthDayTarget.value = parts.month_day === null ? "" : parts.month_day;
      }
      this.check(this.endModeTargets, parts.end);
      this.countTarget.value = parts.count === null ? "" : parts.count;
      this.untilTarget.value = parts.until || "";
    }

    setCustom(custom) {
      let option = this.frequencyTarget.querySelector(`option[value="${CUSTOM}"]`);
      if (custom && !option) {
        option = new Option(this.customLabelValue, CUSTOM);
        this.frequencyTarget.append(option);
      }
      if (!custom && option) option.remove();
      if (custom) {
        this.frequencyTarget.value = CUSTOM;
        this.advancedTarget.open = true;
      }
      this.noticeTarget.hidden = !custom;
    }

    // The preview ---------------------------------------------------------------------

    refresh(delay = 300) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.load(), delay);
    }

    async load() {
      const params = new URLSearchParams();
      ["start", "end", "time_zone"].forEach((key) => {
        const input = this.field(key);
        if (input) params.set(key, input.value);
      });
      const allDay = this.field("all_day");
      if (allDay && allDay.checked) params.set("all_day", "on");
      params.set("recurrence", this.ruleTarget.value);
      if (this.request) this.request.abort();
      this.request = new AbortController();
      const fromText = this.fromText;
      this.fromText = false;
      let data;
      try {
        const response = await fetch(`${this.previewUrlValue}?${params}`, {
          headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
          credentials: "same-origin",
          signal: this.request.signal,
        });
        if (!response.ok) return;
        data = await response.json();
      } catch (error) {
        return; // aborted by a newer request, or offline: the next change asks again
      }
      this.startInfo = data.start;
      if (fromText) {
        if (data.parts) {
          this.setCustom(false);
          this.applyParts(data.parts);
        } else if (data.custom) {
          this.setCustom(true);
        } else if (!data.rule) {
          this.setCustom(false);
          this.frequencyTarget.value = "";
        }
      }
      this.showSections();
      this.render(data);
    }

    render(data) {
      this.wordsTarget.textContent = capitalise(data.words || "");
      this.wordsTarget.hidden = !data.words;
      this.problemTarget.textContent = data.problem || data.message || "";
      this.problemTarget.hidden = !(data.problem || data.message);
      this.problemTarget.classList.toggle("error-message", Boolean(data.problem));
      this.totalTarget.textContent = data.total || "";
      this.totalTarget.hidden = !data.total;
      const items = (data.dates || []).map((date) => {
        const item = document.createElement("li");
        item.textContent = date.label;
        return item;
      });
      this.datesTarget.replaceChildren(...items);
      this.datesHeadingTarget.hidden = !items.length;
      if (!data.problem && data.start) {
        latestChoices = data.choices;
        document.dispatchEvent(new CustomEvent(DATES_EVENT, { detail: { choices: data.choices } }));
      }
    }
  }

  /* The date of the series a change applies to: the dates of the last preview, and the
   * change's own date, marked, when the rule no longer gives it (nothing saved is lost). */
  class SeriesDateController extends Controller {
    static values = { orphan: String };

    connect() {
      this.update = (event) => this.fill(event.detail.choices);
      document.addEventListener(DATES_EVENT, this.update);
      if (latestChoices) this.fill(latestChoices);
    }

    disconnect() {
      document.removeEventListener(DATES_EVENT, this.update);
    }

    fill(choices) {
      const select = this.element;
      const current = select.value;
      const first = select.options[0];
      const placeholder = first && first.value === "" ? first.text : "";
      const labels = new Map(choices.map((choice) => [choice.value, choice.label]));
      const options = choices.map((choice) => new Option(choice.label, choice.value));
      if (current && !labels.has(current)) {
        const previous = select.selectedOptions[0];
        const text =
          previous && previous.dataset.orphan
            ? previous.text
            : this.orphanValue.replace("%(date)s", previous ? previous.text : current);
        const option = new Option(text, current);
        option.dataset.orphan = "true";
        options.push(option);
        options.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      }
      select.replaceChildren(new Option(placeholder, ""), ...options);
      select.value = current;
    }
  }

  window.wagtail.app.register("essaim-recurrence", RecurrenceController);
  window.wagtail.app.register("essaim-series-date", SeriesDateController);
})();
