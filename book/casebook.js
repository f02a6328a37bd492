// casebook's diagram viewer, for the swimlane diagram of every use case page (mdBook's
// `additional-js`). Hand-written and dependency-free, so the handbook works offline and stays
// byte-identical from build to build.
//
// The diagram is an inline SVG inside a pane that scrolls (`.casebook-viewer-pane`): without
// JavaScript it shows at its natural size and scrolls, and its step boxes are plain links to the
// numbered steps below. This script only adds:
// - zoom: Ctrl (or Cmd) + mouse wheel and trackpad pinch at the pointer, a two-finger pinch on a
//   touch screen, the + and - keys and buttons, 0 and "Reset" back to the starting zoom, "Whole
//   diagram" to fit it in the pane. Zooming sets the SVG's displayed size, so the pane's own
//   scrolling pans it; the viewer's frame tells the zoom in `data-scale`.
// - pan: drag with the mouse, the arrow keys, or one finger (the pane's native scrolling, which
//   hands over to the page at its edges, so a phone can still scroll past the diagram).
// - full screen: the button or F; Esc or the button again to leave. The frame then covers the
//   window (and the screen, where the browser allows it).
// - a legible start: step titles (12 px in the SVG) at 11 px or more, so a wide diagram starts
//   at a readable zoom in a pane as wide as the page allows, and is panned rather than shrunk.
// Nothing here reads text from the page into HTML: the script only sizes, scrolls and toggles.
(function () {
  'use strict';

  var READABLE = 11 / 12;
  var MIN_SCALE = 0.1;
  var MAX_SCALE = 4;
  var STEP = 1.25;
  var PAN = 60;
  var DRAG_THRESHOLD = 4;

  function clamp(x, lo, hi) {
    return Math.min(hi, Math.max(lo, x));
  }

  function setUp(frame) {
    var pane = frame.querySelector('.casebook-viewer-pane');
    var tools = frame.querySelector('.casebook-viewer-tools');
    var svg = pane && pane.querySelector('svg');
    if (!svg || !tools) return;
    var view = svg.viewBox && svg.viewBox.baseVal;
    var natural = {
      w: (view && view.width) || svg.width.baseVal.value || 1,
      h: (view && view.height) || svg.height.baseVal.value || 1,
    };
    var scale = 1;
    var zoomedByHand = false;
    var full = false;
    var fullButton = tools.querySelector('[data-zoom="full"]');
    var enterText = fullButton ? fullButton.textContent : '';

    function startScale() {
      return clamp(Math.max(pane.clientWidth / natural.w, READABLE), MIN_SCALE, 1);
    }

    function wholeScale() {
      return clamp(Math.min(pane.clientWidth / natural.w, pane.clientHeight / natural.h), MIN_SCALE, MAX_SCALE);
    }

    // Zooms to `next`, keeping the diagram's point under (x, y) (client coordinates; the pane's
    // centre when not given) where it is.
    function zoomTo(next, x, y) {
      next = clamp(next, MIN_SCALE, MAX_SCALE);
      var paneBox = pane.getBoundingClientRect();
      if (x === undefined) {
        x = paneBox.left + pane.clientWidth / 2;
        y = paneBox.top + pane.clientHeight / 2;
      }
      var before = svg.getBoundingClientRect();
      var fx = before.width ? (x - before.left) / before.width : 0;
      var fy = before.height ? (y - before.top) / before.height : 0;
      scale = next;
      svg.style.width = natural.w * scale + 'px';
      svg.style.height = natural.h * scale + 'px';
      var after = svg.getBoundingClientRect();
      pane.scrollLeft += after.left + fx * after.width - x;
      pane.scrollTop += after.top + fy * after.height - y;
      frame.setAttribute('data-scale', String(Math.round(scale * 1000) / 1000));
    }

    // The pane keeps the height of the diagram at its starting zoom (at most most of the
    // window), so zooming does not move the rest of the page.
    function fitPane() {
      var chrome = pane.offsetHeight - pane.clientHeight;
      var height = Math.min(natural.h * startScale() + chrome + 2, window.innerHeight * 0.8);
      frame.style.setProperty('--casebook-pane-height', Math.max(160, Math.round(height)) + 'px');
    }

    function start() {
      zoomedByHand = false;
      zoomTo(startScale());
      pane.scrollLeft = 0;
      pane.scrollTop = 0;
    }

    function byHand(next, x, y) {
      zoomedByHand = true;
      zoomTo(next, x, y);
    }

    function setFull(on) {
      if (on === full) return;
      full = on;
      frame.classList.toggle('casebook-viewer-full', on);
      document.documentElement.classList.toggle('casebook-viewer-open', on);
      if (fullButton) {
        fullButton.textContent = on ? fullButton.getAttribute('data-exit') : enterText;
        fullButton.setAttribute('aria-pressed', on ? 'true' : 'false');
      }
      if (on) {
        if (frame.requestFullscreen && document.fullscreenEnabled) {
          // Refused without a user's gesture (and on some phones): the frame covers the window.
          frame.requestFullscreen().catch(function () {});
        }
        pane.focus({ preventScroll: true });
      } else if (document.fullscreenElement === frame && document.exitFullscreen) {
        document.exitFullscreen().catch(function () {});
      }
    }

    document.addEventListener('fullscreenchange', function () {
      if (full && document.fullscreenElement !== frame) setFull(false);
    });

    tools.addEventListener('click', function (e) {
      var button = e.target.closest('button[data-zoom]');
      if (!button) return;
      var what = button.getAttribute('data-zoom');
      if (what === 'in') byHand(scale * STEP);
      else if (what === 'out') byHand(scale / STEP);
      else if (what === 'reset') start();
      else if (what === 'fit') byHand(wholeScale());
      else if (what === 'full') setFull(!full);
    });

    frame.addEventListener('keydown', function (e) {
      // Also with a button of the viewer focused: none of these keys presses a button, and mdBook
      // would take the arrows to turn the page.
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var handled = true;
      switch (e.key) {
        case '+':
        case '=':
          byHand(scale * STEP);
          break;
        case '-':
        case '_':
          byHand(scale / STEP);
          break;
        case '0':
          start();
          break;
        case 'ArrowLeft':
          pane.scrollLeft -= PAN;
          break;
        case 'ArrowRight':
          pane.scrollLeft += PAN;
          break;
        case 'ArrowUp':
          pane.scrollTop -= PAN;
          break;
        case 'ArrowDown':
          pane.scrollTop += PAN;
          break;
        case 'f':
        case 'F':
          setFull(!full);
          break;
        case 'Escape':
          handled = full;
          setFull(false);
          break;
        default:
          handled = false;
      }
      if (handled) {
        // mdBook's own keys (the arrows turn the page) must not see these.
        e.preventDefault();
        e.stopPropagation();
      }
    });

    pane.addEventListener(
      'wheel',
      function (e) {
        if (!(e.ctrlKey || e.metaKey)) return;
        e.preventDefault();
        var delta = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1);
        byHand(scale * Math.exp(-clamp(delta, -200, 200) * 0.002), e.clientX, e.clientY);
      },
      { passive: false }
    );

    // Dragging with the mouse pans; a drag that started on a step's box is not a click on it.
    var drag = null;
    var swallowClick = false;
    pane.addEventListener('pointerdown', function (e) {
      if (e.pointerType !== 'mouse' || e.button !== 0) return;
      drag = { id: e.pointerId, x: e.clientX, y: e.clientY, left: pane.scrollLeft, top: pane.scrollTop, moved: false };
      pane.focus({ preventScroll: true });
    });
    pane.addEventListener('pointermove', function (e) {
      if (!drag || e.pointerId !== drag.id) return;
      var dx = e.clientX - drag.x;
      var dy = e.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) > DRAG_THRESHOLD) {
        drag.moved = true;
        frame.classList.add('casebook-viewer-dragging');
        if (pane.setPointerCapture) pane.setPointerCapture(e.pointerId);
      }
      if (drag.moved) {
        pane.scrollLeft = drag.left - dx;
        pane.scrollTop = drag.top - dy;
      }
    });
    function endDrag() {
      if (drag && drag.moved) {
        swallowClick = true;
        setTimeout(function () {
          swallowClick = false;
        }, 0);
      }
      drag = null;
      frame.classList.remove('casebook-viewer-dragging');
    }
    pane.addEventListener('pointerup', endDrag);
    pane.addEventListener('pointercancel', endDrag);
    pane.addEventListener('dragstart', function (e) {
      e.preventDefault();
    });
    pane.addEventListener(
      'click',
      function (e) {
        if (swallowClick) {
          e.preventDefault();
          e.stopPropagation();
          swallowClick = false;
          return;
        }
        // A step's box leads to its place in the list, which full screen would hide.
        if (full && e.target.closest('a')) setFull(false);
      },
      true
    );

    // Two fingers zoom and pan; one finger is left to the browser's scrolling. mdBook's swipe
    // (which opens the sidebar) must not see either.
    var pinch = null;
    function spread(t) {
      return Math.hypot(t[0].clientX - t[1].clientX, t[0].clientY - t[1].clientY) || 1;
    }
    function middle(t) {
      return { x: (t[0].clientX + t[1].clientX) / 2, y: (t[0].clientY + t[1].clientY) / 2 };
    }
    pane.addEventListener(
      'touchstart',
      function (e) {
        e.stopPropagation();
        if (e.touches.length === 2) {
          var m = middle(e.touches);
          pinch = { spread: spread(e.touches), scale: scale, x: m.x, y: m.y };
        }
      },
      { passive: true }
    );
    pane.addEventListener(
      'touchmove',
      function (e) {
        e.stopPropagation();
        if (!pinch || e.touches.length !== 2) return;
        if (e.cancelable) e.preventDefault();
        var m = middle(e.touches);
        byHand((pinch.scale * spread(e.touches)) / pinch.spread, m.x, m.y);
        pane.scrollLeft -= m.x - pinch.x;
        pane.scrollTop -= m.y - pinch.y;
        pinch.x = m.x;
        pinch.y = m.y;
      },
      { passive: false }
    );
    pane.addEventListener('touchend', function (e) {
      if (e.touches.length < 2) pinch = null;
    });
    pane.addEventListener('touchcancel', function () {
      pinch = null;
    });

    var width = window.innerWidth;
    window.addEventListener('resize', function () {
      if (full || window.innerWidth === width) return;
      width = window.innerWidth;
      fitPane();
      if (!zoomedByHand) start();
    });

    tools.hidden = false;
    frame.classList.add('casebook-viewer-ready');
    fitPane();
    start();
  }

  var frames = document.querySelectorAll('.casebook-viewer');
  for (var i = 0; i < frames.length; i++) setUp(frames[i]);
})();
