pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Window

Window {
    id: window
    objectName: "kioskWindow"
    title: "Effortless"
    color: Theme.background
    // Sizes follow the shorter side, so landscape and portrait both fit.
    readonly property real unit: Math.min(width, height) / 100

    // Set by the kiosk (kiosk/ui/app.py). Without a database there is no manager and no
    // setup: those stay null until it can be used.
    required property KioskController controller
    property ManagerController manager: null
    property SetupController setup: null
    readonly property int flowScreen: window.controller.screen
    readonly property bool setupActive: window.setup !== null && window.setup.active

    // The shopper's accessibility mode recolours and resizes every screen through Theme.
    Binding {
        target: Theme
        property: "accessible"
        value: window.controller.accessible
    }

    // A right-to-left language (Arabic) mirrors the screens: anchors, rows and the
    // language bar run from the right, and text aligns right. The manager speaks the
    // shopper's language (kiosk/ui/manager.py), so its screens follow too.
    readonly property bool mirrored: window.controller.texts.rtl === true

    // What covers the shopper's screens: the still-there question, the manager's PIN pad
    // and screens, setup. Covered, the screens are hidden, for assistive technology too:
    // Qt's accessibility tree lists items whether shown or not (state invisible), and
    // Accessible.ignored leaves out only the item itself, not what is inside it.
    readonly property bool covered: window.controller.stillThere || window.setupActive
                                    || (window.manager !== null
                                        && window.manager.mode !== ManagerController.Mode.CLOSED)

    // Keys (issue 16): digits answer (the controller decides what a number means), Tab and
    // the arrows move between buttons, Enter, Return and Space press the focused one. The
    // focus goes to a button only while keys are in use (controller.keyboardInUse, which a
    // touch ends), else to the screens themselves, where digits and Enter still arrive.
    property Item screenFocus: null
    onActiveFocusItemChanged: {
        // Only a shopper screen's own: an overlay's button may get the focus before
        // covered has caught up.
        for (let item = window.activeFocusItem; item !== null; item = item.parent) {
            if (item.parent === screens) {
                window.screenFocus = window.activeFocusItem
                return
            }
        }
    }
    onFlowScreenChanged: Qt.callLater(window.landFocus)
    onCoveredChanged: {
        if (!window.covered)
            Qt.callLater(window.restoreFocus)
    }
    Connections {
        target: window.controller
        function onKeyboardInUseChanged() {
            if (!window.controller.keyboardInUse && window.activeFocusItem instanceof BigButton
                    && !window.covered)
                screens.forceActiveFocus()
        }
    }

    // The first button of the screen showing, where keys start.
    function firstOption(): Item {
        switch (window.flowScreen) {
        case KioskController.Screen.ATTRACT: return attractScreen.firstOption
        case KioskController.Screen.QUESTION: return questionScreen.firstOption
        case KioskController.Screen.WHY: return whyScreen.firstOption
        }
        return null
    }
    function landFocus() {
        // The comment screen gives its field the focus itself (the on-screen keyboard
        // opens with it); an overlay takes the focus while it shows.
        if (window.covered || window.flowScreen === KioskController.Screen.COMMENT)
            return
        const first = window.firstOption()
        if (window.controller.keyboardInUse && first !== null && first.visible)
            first.forceActiveFocus()
        else
            screens.forceActiveFocus()
    }
    function restoreFocus() {
        const last = window.screenFocus
        if (window.flowScreen === KioskController.Screen.COMMENT)
            return
        if (window.controller.keyboardInUse && last !== null && last.visible)
            last.forceActiveFocus()
        else
            window.landFocus()
    }
    // Left and right within a row, up and down to the next row, there to the button
    // nearest across: by where the buttons are on screen, so a mirrored (right-to-left)
    // layout moves as seen.
    function moveFocus(from: Item, key: int) {
        const a = from.mapToItem(null, 0, 0, from.width, from.height)
        const ax = a.x + a.width / 2
        const ay = a.y + a.height / 2
        const vertical = key === Qt.Key_Up || key === Qt.Key_Down
        const sign = (key === Qt.Key_Down || key === Qt.Key_Right) ? 1 : -1
        const found = []
        let next = from.nextItemInFocusChain(true)
        for (let i = 0; next !== null && next !== from && i < 500; i++) {
            const b = next.mapToItem(null, 0, 0, next.width, next.height)
            const bx = b.x + b.width / 2
            const by = b.y + b.height / 2
            const sameRow = Math.abs(by - ay) < (a.height + b.height) / 4
            const along = vertical ? (by - ay) * sign : (bx - ax) * sign
            if (along > 1 && sameRow !== vertical)
                found.push({ item: next, along: along, across: vertical ? Math.abs(bx - ax) : 0 })
            next = next.nextItemInFocusChain(true)
        }
        if (found.length === 0)
            return
        // The nearest row (or, within a row, the nearest button) first.
        const nearest = Math.min(...found.map(f => f.along))
        const row = found.filter(f => f.along < nearest + a.height / 2)
        row.sort((f, g) => f.across - g.across || f.along - g.along)
        row[0].item.forceActiveFocus()
    }
    function screenKey(event: KeyEvent) {
        const onScreens = window.activeFocusItem === screens
        switch (event.key) {
        case Qt.Key_Left:
        case Qt.Key_Right:
        case Qt.Key_Up:
        case Qt.Key_Down:
            if (onScreens)
                window.landFocus()
            else
                window.moveFocus(window.activeFocusItem, event.key)
            event.accepted = true
            return
        case Qt.Key_Tab:
        case Qt.Key_Backtab:
            // The first Tab lands on the first button; Qt's focus chain does the rest.
            if (onScreens) {
                window.landFocus()
                event.accepted = window.activeFocusItem !== screens
            }
            return
        case Qt.Key_Return:
        case Qt.Key_Enter:
        case Qt.Key_Space:
            if (!onScreens)
                return
            if (window.flowScreen === KioskController.Screen.THANKS)
                window.controller.dismissThanks()
            else if (window.flowScreen === KioskController.Screen.ATTRACT
                     && window.controller.texts.questionOnAttract !== true)
                window.controller.start()
            else
                window.landFocus()
            event.accepted = true
            return
        case Qt.Key_Asterisk:
            // The keypad's key for the accessibility mode (its button is in every screen).
            window.controller.toggleAccessible()
            event.accepted = true
            return
        }
        if (event.key >= Qt.Key_0 && event.key <= Qt.Key_9)
            event.accepted = window.controller.chooseNumber(event.key - Qt.Key_0)
    }

    Item {
        id: screens
        anchors.fill: parent
        visible: !window.covered
        focus: true
        Keys.onPressed: (event) => window.screenKey(event)
        LayoutMirroring.enabled: window.mirrored
        LayoutMirroring.childrenInherit: true
        AttractScreen {
            id: attractScreen
            objectName: "attractScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.ATTRACT
        }
        QuestionScreen {
            id: questionScreen
            objectName: "questionScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.QUESTION
        }
        WhyScreen {
            id: whyScreen
            objectName: "whyScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.WHY
        }
        CommentScreen {
            id: commentScreen
            objectName: "commentScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
            visible: window.flowScreen === KioskController.Screen.COMMENT
        }
        ThanksScreen {
            id: thanksScreen
            objectName: "thanksScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.THANKS
        }
        OutOfOrderScreen {
            objectName: "outOfOrderScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.OUT_OF_ORDER
        }
        ClosedScreen {
            objectName: "closedScreen"
            anchors.fill: parent
            unit: window.unit
            controller: window.controller
            visible: window.flowScreen === KioskController.Screen.CLOSED
        }
    }

    // The on-screen keyboard (Keyboard.qml): made just after the first frame, so the
    // attract screen is up sooner, or at once when a field needs it before then. Once made
    // it stays.
    Loader {
        id: keyboard
        z: 40
        // Landscape: no wider than 1.25x the height, centred, so a comment in the
        // accessibility mode's larger text still has room above it; but wide enough for
        // thirteen touch sizes, as Qt's Turkish and Arabic layouts have twelve keys in a
        // row (16.6 mm at 1280x800 on a 10.1" panel; the keyboard is no taller for it).
        width: window.width > window.height
               ? Math.min(window.width, Math.max(window.height * 1.25, Theme.minTouch * 13))
               : window.width
        x: (window.width - width) / 2
        readonly property bool needed: window.flowScreen === KioskController.Screen.COMMENT
                                       || (window.manager !== null
                                           && window.manager.mode === ManagerController.Mode.OPEN)
                                       || window.setupActive
        property bool preload: false
        // Set by Keyboard.qml.
        property bool panelActive: false
        property real panelHeight: 0
        // Up on screen (a field has the focus).
        readonly property bool up: keyboard.status === Loader.Ready && keyboard.panelActive
        active: keyboard.preload || keyboard.needed
        source: "Keyboard.qml"
        onLoaded: keyboard.preload = true
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "keyboardLocale"
        value: window.controller.texts.keyboardLocale || "en_GB"
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "wanted"
        value: keyboard.needed
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "windowHeight"
        value: window.height
    }
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "selectionHandles"
        value: window.setupActive
               || (window.manager !== null && window.manager.mode === ManagerController.Mode.OPEN)
    }
    // The keys' names for assistive technology, in the shopper's language (Keyboard.qml).
    Binding {
        target: keyboard.item
        when: keyboard.status === Loader.Ready
        property: "keyNames"
        value: window.controller.texts.ui || ({})
    }
    Timer {
        id: keyboardPreload
        interval: 0
        onTriggered: keyboard.preload = true
    }
    Connections {
        target: window
        enabled: !keyboard.preload
        function onFrameSwapped() { keyboardPreload.start() }
    }

    // The hidden way in for the store manager: five taps in the top-left corner of the
    // attract (or out-of-order, or closed) screen. Nothing shows it.
    MouseArea {
        objectName: "managerCorner"
        z: 15
        // In the corner the language bar leaves free: top left, top right when mirrored.
        anchors.left: parent.left
        anchors.top: parent.top
        LayoutMirroring.enabled: window.mirrored
        width: Theme.minTouch * 1.3; height: width
        visible: window.manager !== null && window.manager.mode === ManagerController.Mode.CLOSED
                 && !window.setupActive
                 && (window.flowScreen === KioskController.Screen.ATTRACT
                     || window.flowScreen === KioskController.Screen.OUT_OF_ORDER
                     || window.flowScreen === KioskController.Screen.CLOSED)
        // On release: a handler that hides itself on press hands the release to whatever
        // is underneath, which would start a shopper session.
        onReleased: window.manager.cornerTapped()
    }

    Loader {
        anchors.fill: parent
        z: 35
        active: window.setupActive
        LayoutMirroring.enabled: window.setup !== null && window.setup.rtl
        LayoutMirroring.childrenInherit: true
        sourceComponent: SetupScreen {
            objectName: "setupScreen"
            unit: window.unit
            setup: window.setup
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
        }
    }

    // Without a database there is no manager to talk to: these are not even made then.
    Loader {
        anchors.fill: parent
        z: 30
        active: window.manager !== null
        LayoutMirroring.enabled: window.mirrored
        LayoutMirroring.childrenInherit: true
        sourceComponent: ManagerScreen {
            objectName: "managerScreen"
            unit: window.unit
            manager: window.manager
            keyboardHeight: keyboard.up ? keyboard.panelHeight : 0
            visible: window.manager.mode === ManagerController.Mode.OPEN
        }
    }

    Loader {
        anchors.fill: parent
        z: 31
        active: window.manager !== null
        sourceComponent: PinPad {
            objectName: "pinPad"
            unit: window.unit
            manager: window.manager
            visible: window.manager.mode === ManagerController.Mode.PIN
        }
    }

    StillThereOverlay {
        objectName: "stillThereOverlay"
        anchors.fill: parent
        LayoutMirroring.enabled: window.mirrored
        LayoutMirroring.childrenInherit: true
        z: 45  // above the on-screen keyboard: "still there?" must be answerable
        unit: window.unit
        controller: window.controller
        visible: window.controller.stillThere
    }
}
