document.documentElement.classList.add("js");
// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The branch switcher submits as soon as a branch is picked.
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }

  // Print buttons (inline handlers are not allowed by the Content-Security-Policy).
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }

  // Stop double submits: a form's buttons are disabled once it is on its way.
  for (const form of document.querySelectorAll("form[method='post']")) {
    form.addEventListener("submit", (event) => {
      setTimeout(() => {
        if (event.defaultPrevented) return; // sent by a script (the intake's scan queue)
        form.querySelectorAll("button[type='submit']").forEach((b) => (b.disabled = true));
      }, 0);
    });
  }

  // Search as you type: fetch the same page for the typed query and swap in its results.
  for (const input of document.querySelectorAll("input[data-live-search]")) {
    let timer = null;
    let latest = 0;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const ticket = ++latest;
        const url = new URL(input.form.action, window.location.href);
        for (const [name, value] of new FormData(input.form)) url.searchParams.set(name, value);
        const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
        if (!response.ok || ticket !== latest) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("results");
        const current = document.getElementById("results");
        if (fresh && current) {
          current.replaceWith(fresh);
          window.history.replaceState(null, "", url);
        }
      }, 250);
    });
  }
});

// A field with data-refresh="a b" fetches its form's page again with the form's values (the
// booking form on another date or bay) and swaps in the elements #a and #b of the answer.
document.querySelectorAll('[data-refresh]').forEach(function (field) {
  field.addEventListener('change', async function () {
    var url = new URL(field.form.getAttribute('action'), window.location.href);
    for (const [name, value] of new FormData(field.form)) {
      if (name !== 'csrf_token') url.searchParams.set(name, value);
    }
    var response = await fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
    if (!response.ok) return;
    var page = new DOMParser().parseFromString(await response.text(), 'text/html');
    field.getAttribute('data-refresh').split(' ').forEach(function (id) {
      var fresh = page.getElementById(id);
      var current = document.getElementById(id);
      if (fresh && current) current.replaceWith(fresh);
    });
  });
});

// A picker with data-reveal="value:id" shows the element #id only while `value` is chosen (the
// walk-in form's "a device not listed yet").
document.querySelectorAll('select[data-reveal]').forEach(function (select) {
  var parts = select.getAttribute('data-reveal').split(':');
  var target = document.getElementById(parts[1]);
  if (!target) return;
  var sync = function () { target.hidden = select.value !== parts[0]; };
  select.addEventListener('change', sync);
  sync();
});

// Keys anywhere but in a field: "/" goes to the top bar's search box, "?" lists the shortcuts,
// and each link of that list marked data-shortcut="k" opens with its key.
document.addEventListener('keydown', function (event) {
  var typing = event.target.closest && event.target.closest('input, textarea, select, [contenteditable], dialog');
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  var box = document.getElementById('global-q');
  var help = document.getElementById('shortcuts');
  if (event.key === '/' && box) {
    event.preventDefault();
    box.focus();
  } else if (event.key === '?' && help && help.showModal) {
    event.preventDefault();
    help.showModal();
  } else if (/^[a-z]$/.test(event.key)) {
    var link = document.querySelector('a[data-shortcut="' + event.key + '"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  }
});
document.querySelectorAll('[data-open-dialog]').forEach(function (opener) {
  opener.addEventListener('click', function (event) {
    var dialog = document.getElementById(opener.getAttribute('data-open-dialog'));
    if (dialog && dialog.showModal) {
      event.preventDefault();
      dialog.showModal();
    }
  });
});

// On a narrow screen the navigation starts folded under its Menu button.
if (window.matchMedia && window.matchMedia('(max-width: 1100px)').matches) {
  document.querySelectorAll('details.navmenu').forEach(function (menu) { menu.open = false; });
}

// The signature pad: a finger, pen or mouse draws on the canvas; each stroke puts the drawing,
// as a PNG data URL, into the form's hidden `signature` field. Clear empties both.
document.querySelectorAll('[data-signature-pad]').forEach(function (pad) {
  var canvas = pad.querySelector('canvas');
  var field = pad.querySelector('input[name=signature]');
  if (!canvas || !field) return;
  var ctx = canvas.getContext('2d');
  ctx.lineWidth = 2.5;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#111';
  var drawing = false;
  var point = function (e) {
    var r = canvas.getBoundingClientRect();
    return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
  };
  canvas.addEventListener('pointerdown', function (e) {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    var p = point(e);
    ctx.beginPath();
    ctx.moveTo(p[0], p[1]);
    ctx.lineTo(p[0] + 0.1, p[1] + 0.1);
    ctx.stroke();
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', function (e) {
    if (!drawing) return;
    var p = point(e);
    ctx.lineTo(p[0], p[1]);
    ctx.stroke();
    e.preventDefault();
  });
  var finish = function () {
    if (!drawing) return;
    drawing = false;
    field.value = canvas.toDataURL('image/png');
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  var clear = pad.querySelector('[data-signature-clear]');
  if (clear) clear.addEventListener('click', function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    field.value = '';
  });
  // A form shown again after a refusal keeps the signature already drawn.
  if (field.value.indexOf('data:image/png;base64,') === 0) {
    var img = new Image();
    img.onload = function () { ctx.drawImage(img, 0, 0); };
    img.src = field.value;
  }
});

// A running clock's time ticks (h:mm:ss since it started), on My jobs and on the job page.
document.addEventListener('DOMContentLoaded', function () {
  var clocks = document.querySelectorAll('[data-since]');
  if (!clocks.length) return;
  var two = function (n) { return (n < 10 ? '0' : '') + n; };
  var tick = function () {
    clocks.forEach(function (el) {
      var since = Date.parse(el.getAttribute('data-since'));
      if (isNaN(since)) return;
      var s = Math.max(0, Math.floor((Date.now() - since) / 1000));
      el.textContent = Math.floor(s / 3600) + ':' + two(Math.floor(s / 60) % 60) + ':' + two(s % 60);
    });
  };
  tick();
  setInterval(tick, 1000);
});

// On the tablet a refused action (a scan that found nothing, a move that is not allowed) sounds
// a short low tone and buzzes, so a technician looking at the part hears it; the count of tones
// played is kept for the browser tests.
window.workbayErrorTone = function () {
  window.workbayErrorTones = (window.workbayErrorTones || 0) + 1;
  try {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    var audio = new Ctx();
    var tone = audio.createOscillator();
    var gain = audio.createGain();
    tone.type = 'square';
    tone.frequency.value = 220;
    gain.gain.value = 0.15;
    tone.connect(gain);
    gain.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch (e) { /* no sound on this device */ }
  if (navigator.vibrate) navigator.vibrate(200);
};
document.addEventListener('DOMContentLoaded', function () {
  if (!document.querySelector('[data-sound-on-error]')) return;
  if (!document.querySelector('.flash-error')) return;
  window.workbayErrorTone();
});

// Stock intake: a scan (serial + Enter) is sent without reloading the page and the panel beside
// the field is swapped for the answer, so the field keeps the focus and the next scan can follow
// at once. Scans that arrive while one is on its way wait in a queue and go together as one
// burst (checked one by one on the server, exactly as single scans); none is dropped.
document.addEventListener('DOMContentLoaded', function () {
  var form = document.querySelector('form[data-scan-queue]');
  var panel = document.getElementById('scan-panel');
  if (!form || !panel || !window.fetch || !window.URLSearchParams) return;
  var input = form.querySelector('input[name="serial"]');
  var queue = [];
  var busy = false;
  window.workbayScansWaiting = function () { return queue.length + (busy ? 1 : 0); };
  var pump = function () {
    if (busy || queue.length === 0) return;
    busy = true;
    var burst = queue.splice(0, queue.length);
    var body = new URLSearchParams(new FormData(form));
    var url = '/stock/intake/scan';
    body.delete('serials');
    if (burst.length === 1) {
      body.set('serial', burst[0]);
    } else {
      body.delete('serial');
      body.set('serials', burst.join('\n'));
      body.set('literal', '1');
      url = '/stock/intake/paste';
    }
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'X-Workbay-Panel': 'scans', Accept: 'text/html' } })
      .then(function (r) {
        if (r.redirected) { window.location.href = r.url; return null; }
        return r.text().then(function (text) { return { status: r.status, text: text }; });
      })
      .then(function (answer) {
        if (!answer) return;
        if (answer.status === 200 || answer.status === 422 || answer.status === 409) {
          var holder = document.createElement('template');
          holder.innerHTML = answer.text;
          var fresh = holder.content.getElementById('scan-panel');
          if (fresh) panel.replaceWith(fresh), panel = fresh;
        } else {
          panel.insertAdjacentHTML('afterbegin', '<div class="flash flash-error" role="alert">The scan of ' + burst.length + ' serial(s) was not saved (error ' + answer.status + '); scan them again.</div>');
        }
        if (answer.status !== 200) window.workbayErrorTone();
        var sticky = new URL(window.location.href);
        sticky.searchParams.set('model', body.get('product_model_id') || '');
        sticky.searchParams.set('cost', body.get('unit_cost') || '');
        window.history.replaceState(null, '', sticky);
      })
      .catch(function () {
        panel.insertAdjacentHTML('afterbegin', '<div class="flash flash-error" role="alert">No connection: ' + burst.length + ' scan(s) not saved; scan them again.</div>');
        window.workbayErrorTone();
      })
      .then(function () {
        busy = false;
        document.dispatchEvent(new CustomEvent('workbay:scanned'));
        pump();
      });
  };
  form.addEventListener('submit', function (event) {
    var by = event.submitter;
    if (by && by.getAttribute('formaction')) return; // "Add the list" posts the page
    event.preventDefault();
    var serial = input.value.trim();
    input.value = '';
    if (document.activeElement !== input) input.focus();
    if (serial) { queue.push(serial); pump(); }
  });
});

// The bell: the unread count, asked for when a page opens and every minute after.
document.addEventListener('DOMContentLoaded', function () {
  var count = document.getElementById('bell-count');
  if (!count) return;
  var ask = function () {
    fetch('/notifications/unread', { credentials: 'same-origin', headers: { Accept: 'text/plain' } })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (t) {
        var n = parseInt(t, 10);
        if (isNaN(n)) return;
        count.textContent = n > 99 ? '99+' : String(n);
        count.hidden = n === 0;
        document.getElementById('bell').setAttribute('title', n === 0 ? 'Notifications' : n + ' unread notifications');
      })
      .catch(function () {});
  };
  ask();
  setInterval(ask, 60000);
});

// Copy buttons: the field named by data-copy goes to the clipboard.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      var field = document.querySelector(button.getAttribute('data-copy'));
      if (!field) return;
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 2000); };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand('copy'); done(); });
      } else {
        document.execCommand('copy');
        done();
      }
    });
  });
});

// The branch's logo: the picture chosen is sent inside the form as a data URL.
document.addEventListener('DOMContentLoaded', function () {
  var file = document.querySelector('[data-logo-file]');
  var field = document.getElementById('f-logo-data');
  if (!file || !field) return;
  file.addEventListener('change', function () {
    var chosen = file.files && file.files[0];
    if (!chosen) { field.value = ''; return; }
    var reader = new FileReader();
    reader.onload = function () { field.value = reader.result; };
    reader.readAsDataURL(chosen);
  });
});

// Imports. The upload goes with a progress bar, a file over the limit is refused before it is
// sent; a changed column choice asks for a new preview before importing; while a commit runs,
// its progress bar follows the server's count and the page reloads when it is done.
(function () {
  var upload = document.getElementById('upload-form');
  if (upload) {
    upload.addEventListener('submit', function (event) {
      var input = document.getElementById('f-file');
      var bar = document.getElementById('upload-progress');
      var file = input.files && input.files[0];
      if (!file || !window.FormData) return;
      var max = Number(input.getAttribute('data-max-bytes'));
      event.preventDefault();
      if (file.size > max) {
        input.setCustomValidity('The file is larger than ' + Math.round(max / 1048576) + ' MB, the most one import takes. Split it into several files.');
        input.reportValidity();
        input.addEventListener('change', function () { input.setCustomValidity(''); }, { once: true });
        upload.querySelectorAll("button[type='submit']").forEach(function (b) { b.disabled = false; });
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', upload.action);
      bar.hidden = false;
      xhr.upload.addEventListener('progress', function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener('load', function () {
        if (xhr.responseURL && new URL(xhr.responseURL).pathname !== '/imports') {
          window.location.assign(xhr.responseURL);
        } else {
          document.open(); document.write(xhr.responseText); document.close();
        }
      });
      xhr.addEventListener('error', function () { upload.submit(); });
      xhr.send(new FormData(upload));
    });
  }
  var mapping = document.getElementById('mapping-form');
  var commit = document.getElementById('commit-button');
  if (mapping && commit) {
    mapping.addEventListener('change', function () {
      var changed = Array.prototype.some.call(mapping.querySelectorAll('select'), function (s) {
        return s.value !== s.getAttribute('data-chosen');
      });
      commit.disabled = changed;
      document.getElementById('commit-stale').hidden = !changed;
    });
  }
  var running = document.getElementById('import-progress');
  if (running) {
    var bar2 = document.getElementById('commit-progress');
    var words = document.getElementById('progress-words');
    var poll = function () {
      fetch(running.getAttribute('data-progress-url'), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          bar2.max = p.total; bar2.value = p.done;
          words.textContent = p.done + ' of ' + p.total;
          if (p.committing) setTimeout(poll, 500); else window.location.reload();
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 300);
  }
})();

// An SMS's length and parts as it is typed (the server works the same out on every render):
// GSM-7 text takes 160 characters (153 a part when split), anything else 70 (67).
document.querySelectorAll('textarea[data-sms-count]').forEach(function (area) {
  var out = document.querySelector(area.getAttribute('data-sms-count'));
  var prefix = area.getAttribute('data-sms-prefix') || '';
  var gsm = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var extended = '^{}\\[~]|€';
  var count = function () {
    var text = Array.from(prefix + area.value.trim());
    var isGsm = text.every(function (c) { return gsm.indexOf(c) >= 0 || extended.indexOf(c) >= 0; });
    var length = isGsm ? text.reduce(function (n, c) { return n + (extended.indexOf(c) >= 0 ? 2 : 1); }, 0) : text.length;
    var single = isGsm ? 160 : 70, part = isGsm ? 153 : 67;
    var parts = length === 0 ? 0 : (length <= single ? 1 : Math.ceil(length / part));
    if (out) out.textContent = 'As an SMS: ' + length + ' characters · ' + parts + (parts === 1 ? ' message' : ' messages');
  };
  area.addEventListener('input', count);
});
