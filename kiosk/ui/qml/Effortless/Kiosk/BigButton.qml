import QtQuick

// A large touch button: colour changes on press at once, so a tap is felt immediately.
Rectangle {
    id: root
    property string text: ""
    property string accessibleName: text
    property string iconSource: ""
    property bool secondary: false
    property real fontSize: 28
    property real iconSize: 0
    // The icon beside the label instead of above it: where a wide button has little height.
    property bool iconBeside: false
    // What icon and label need, for a button that grows with its label.
    readonly property real contentImplicitHeight: content.implicitHeight
    signal clicked()

    // Pressed as the shopper sees it: a finger that slid off no longer presses the button.
    readonly property bool pressed: area.pressed && root.contains(area.point.position)
    implicitWidth: Math.max(Theme.minTouch, label.implicitWidth + 48)
    implicitHeight: Theme.minTouch
    radius: 16
    // In the accessibility mode's high contrast a white button needs an edge on white.
    border.width: Theme.buttonBorder
    border.color: Theme.factorButtonBorder
    color: root.secondary ? (root.pressed ? Theme.secondaryButtonPressed : Theme.secondaryButton)
                          : (root.pressed ? Theme.buttonPressed : Theme.button)
    scale: pressed ? 0.97 : 1.0

    Accessible.role: Accessible.Button
    Accessible.name: root.accessibleName
    Accessible.onPressAction: root.clicked()

    // A keyboard or keypad reaches every button: Tab and the arrows (Main.qml) move the
    // focus, Enter, Return and Space press. Main gives buttons the focus only while keys
    // are in use, so a touch shopper never sees a ring that looks like a preselection.
    activeFocusOnTab: true
    Keys.onReturnPressed: root.clicked()
    Keys.onEnterPressed: root.clicked()
    Keys.onSpacePressed: root.clicked()
    FocusRing {
        visible: root.activeFocus
        targetRadius: root.radius
    }

    Grid {
        id: content
        anchors.centerIn: parent
        width: parent.width - 16
        columns: root.iconBeside && root.iconSource !== "" ? 2 : 1
        spacing: 8
        horizontalItemAlignment: root.iconBeside ? Grid.AlignLeft : Grid.AlignHCenter
        verticalItemAlignment: Grid.AlignVCenter
        Image {
            id: icon
            visible: root.iconSource !== ""
            source: root.iconSource
            width: root.iconSize; height: root.iconSize
            sourceSize.width: root.iconSize; sourceSize.height: root.iconSize
            fillMode: Image.PreserveAspectFit
            asynchronous: false
        }
        Text {
            id: label
            textFormat: Text.PlainText
            visible: root.text !== ""
            width: content.columns === 2 ? content.width - icon.width - content.spacing : content.width
            text: root.text
            color: root.secondary ? Theme.secondaryButtonText : Theme.buttonText
            font.pixelSize: root.fontSize
            font.weight: Font.DemiBold
            horizontalAlignment: content.columns === 2 ? Text.AlignLeft : Text.AlignHCenter
            wrapMode: Text.WordWrap
        }
    }

    // A TapHandler, not a MouseArea: every tap counts on its own (Qt would fold a quick
    // second tap into a double click) and a finger that slides a little still taps.
    // A press counts on release inside the button however long it was held: slow and
    // elderly shoppers press slowly, and Qt drops a tap held past its press-and-hold time
    // (0.8 s by default), so that time is set beyond any press.
    TapHandler {
        id: area
        objectName: "pressHandler"
        gesturePolicy: TapHandler.ReleaseWithinBounds
        longPressThreshold: 24 * 3600
        onTapped: root.clicked()
    }
}
