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
    signal clicked()

    // Pressed as the shopper sees it: a finger that slid off no longer presses the button.
    readonly property bool pressed: area.pressed && root.contains(area.point.position)
    implicitWidth: Math.max(Theme.minTouch, label.implicitWidth + 48)
    implicitHeight: Theme.minTouch
    radius: 16
    color: root.secondary ? (root.pressed ? Theme.secondaryButtonPressed : Theme.secondaryButton)
                          : (root.pressed ? Theme.buttonPressed : Theme.button)
    scale: pressed ? 0.97 : 1.0

    Accessible.role: Accessible.Button
    Accessible.name: root.accessibleName
    Accessible.onPressAction: root.clicked()

    Column {
        anchors.centerIn: parent
        width: parent.width - 16
        spacing: 8
        Image {
            visible: root.iconSource !== ""
            source: root.iconSource
            anchors.horizontalCenter: parent.horizontalCenter
            width: root.iconSize; height: root.iconSize
            sourceSize.width: root.iconSize; sourceSize.height: root.iconSize
            fillMode: Image.PreserveAspectFit
            asynchronous: false
        }
        Text {
            id: label
            textFormat: Text.PlainText
            visible: root.text !== ""
            width: parent.width
            text: root.text
            color: root.secondary ? Theme.secondaryButtonText : Theme.buttonText
            font.pixelSize: root.fontSize
            font.weight: Font.DemiBold
            horizontalAlignment: Text.AlignHCenter
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
